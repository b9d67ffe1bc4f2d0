output "replication_group_id" {
  description = "ID of the replication group."
  value       = try(aws_elasticache_replication_group.this[0].id, null)
}

output "replication_group_arn" {
  description = "ARN of the replication group."
  value       = try(aws_elasticache_replication_group.this[0].arn, null)
}

output "primary_endpoint_address" {
  description = "Host name of the primary (writes)."
  value       = try(aws_elasticache_replication_group.this[0].primary_endpoint_address, null)
}

output "reader_endpoint_address" {
  description = "Host name spreading reads over the replicas."
  value       = try(aws_elasticache_replication_group.this[0].reader_endpoint_address, null)
}

output "port" {
  description = "Port of the replication group."
  value       = try(aws_elasticache_replication_group.this[0].port, null)
}

output "subnet_group_name" {
  description = "Name of the cache subnet group."
  value       = try(aws_elasticache_subnet_group.this[0].name, null)
}

output "parameter_group_name" {
  description = "Name of the parameter group in use."
  value       = local.create ? local.parameter_group_name : null
}

output "security_group_id" {
  description = "ID of the cache's security group."
  value       = try(aws_security_group.this[0].id, null)
}
