output "bucket_id" {
  description = "Name of the bucket."
  value       = try(aws_s3_bucket.this[0].id, null)
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = try(aws_s3_bucket.this[0].arn, null)
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket."
  value       = try(aws_s3_bucket.this[0].bucket_regional_domain_name, null)
}

output "versioning_status" {
  description = "Versioning status of the bucket (null when versioning is not managed)."
  value       = try(aws_s3_bucket_versioning.this[0].versioning_configuration[0].status, null)
}

output "policy_json" {
  description = "The bucket policy document."
  value       = try(data.aws_iam_policy_document.this[0].json, null)
}
