variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name of the load balancer (at most 32 characters; the target group is NAME-tg)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer, its security group and its target group."
  type        = string
}

variable "subnets" {
  description = "Subnets to place the load balancer in (at least two availability zones)."
  type        = list(string)
}

variable "internal" {
  description = "Whether the load balancer is internal instead of internet-facing."
  type        = bool
  default     = false
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle."
  type        = number
  default     = 60
}

variable "enable_deletion_protection" {
  description = "Whether AWS refuses to delete the load balancer."
  type        = bool
  default     = false
}

variable "ingress_cidr_blocks" {
  description = "CIDR blocks allowed to reach ports 80 and 443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "egress_cidr_blocks" {
  description = "CIDR blocks the load balancer may reach (normally the VPC's)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "target_port" {
  description = "Port the targets listen on."
  type        = number
  default     = 8080
}

variable "target_type" {
  description = "Type of the targets: instance, ip or lambda."
  type        = string
  default     = "ip"
}

variable "deregistration_delay" {
  description = "Seconds to drain a deregistered target."
  type        = number
  default     = 30
}

variable "health_check_path" {
  description = "HTTP path of the target health check."
  type        = string
  default     = "/health"
}

variable "health_check_matcher" {
  description = "HTTP codes that count as healthy."
  type        = string
  default     = "200"
}

variable "health_check_interval" {
  description = "Seconds between health checks."
  type        = number
  default     = 15
}

variable "health_check_timeout" {
  description = "Seconds before a health check counts as failed."
  type        = number
  default     = 5
}

variable "healthy_threshold" {
  description = "Consecutive successes before a target is healthy."
  type        = number
  default     = 3
}

variable "unhealthy_threshold" {
  description = "Consecutive failures before a target is unhealthy."
  type        = number
  default     = 3
}

variable "stickiness_enabled" {
  description = "Whether the load balancer pins clients to a target with a cookie."
  type        = bool
  default     = true
}

variable "stickiness_duration" {
  description = "Seconds the stickiness cookie is valid."
  type        = number
  default     = 3600
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "certificate_arn" {
  description = "ARN of an existing certificate for the HTTPS listener; null issues one for domain_name."
  type        = string
  default     = null
}

variable "domain_name" {
  description = "Domain of the ACM certificate issued when certificate_arn is null."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
