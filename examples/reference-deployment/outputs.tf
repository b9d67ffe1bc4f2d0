output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "lb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.lb_dns_name
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

output "namespace" {
  description = "Namespace of the application."
  value       = kubernetes_namespace_v1.app.metadata[0].name
}

output "frontend_url" {
  description = "In-cluster URL of the frontend."
  value       = module.frontend.service_url
}

output "prometheus_url" {
  description = "In-cluster URL of Prometheus."
  value       = module.monitoring.url
}
