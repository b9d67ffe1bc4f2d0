output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "public_subnets" {
  description = "IDs of the public subnets."
  value       = module.network.public_subnets
}

output "private_subnets" {
  description = "IDs of the private subnets."
  value       = module.network.private_subnets
}

output "lb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.lb_dns_name
}

output "target_group_arn" {
  description = "ARN of the load balancer's target group."
  value       = module.alb.target_group_arn
}

output "postgres_endpoint" {
  description = "host:port of the PostgreSQL primary."
  value       = module.postgres.db_instance_endpoint
}

output "postgres_replicas" {
  description = "Identifiers of the PostgreSQL read replicas."
  value       = module.postgres.replica_identifiers
}

output "redis_primary_endpoint" {
  description = "Host name of the Redis primary."
  value       = module.redis.primary_endpoint_address
}

output "backups_bucket" {
  description = "Name of the backup bucket."
  value       = module.backups.bucket_id
}
