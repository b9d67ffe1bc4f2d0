output "lb_id" {
  description = "ID (ARN) of the load balancer."
  value       = try(aws_lb.this[0].id, null)
}

output "lb_arn" {
  description = "ARN of the load balancer."
  value       = try(aws_lb.this[0].arn, null)
}

output "lb_dns_name" {
  description = "DNS name of the load balancer."
  value       = try(aws_lb.this[0].dns_name, null)
}

output "lb_zone_id" {
  description = "Route 53 hosted zone of the load balancer (for alias records)."
  value       = try(aws_lb.this[0].zone_id, null)
}

output "security_group_id" {
  description = "ID of the load balancer's security group."
  value       = try(aws_security_group.this[0].id, null)
}

output "target_group_arn" {
  description = "ARN of the target group."
  value       = try(aws_lb_target_group.this[0].arn, null)
}

output "http_listener_arn" {
  description = "ARN of the HTTP listener (redirects to HTTPS)."
  value       = try(aws_lb_listener.http[0].arn, null)
}

output "https_listener_arn" {
  description = "ARN of the HTTPS listener."
  value       = try(aws_lb_listener.https[0].arn, null)
}

output "certificate_arn" {
  description = "ARN of the certificate the HTTPS listener uses."
  value       = local.certificate_arn
}
