variable "name" {
  description = "Name of the deployment; prefixes every resource name (lower case)."
  type        = string
  default     = "shop"
}

variable "environment" {
  description = "Environment tag and bucket suffix."
  type        = string
  default     = "staging"
}

variable "region" {
  description = "AWS region; the three availability zones are REGIONa, REGIONb and REGIONc."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "Endpoint URL for every AWS service (an emulator such as moto); null uses AWS."
  type        = string
  default     = null
}

variable "aws_access_key" {
  description = "Static access key (e.g. dummy credentials for an emulator); null uses the credential chain."
  type        = string
  default     = null
}

variable "aws_secret_key" {
  description = "Static secret key matching aws_access_key."
  type        = string
  default     = null
  sensitive   = true
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (/16: subnets are /24)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway instead of one per availability zone."
  type        = bool
  default     = true
}

variable "app_port" {
  description = "Port the application listens on behind the load balancer."
  type        = number
  default     = 8080
}

variable "domain_name" {
  description = "Domain of the HTTPS listener's certificate."
  type        = string
  default     = "shop.example.com"
}

variable "db_password" {
  description = "Master password of PostgreSQL."
  type        = string
  default     = "change-me-please"
  sensitive   = true
}

variable "deletion_protection" {
  description = "Whether the databases are protected from deletion."
  type        = bool
  default     = false
}

variable "skip_final_snapshot" {
  description = "Whether deleting PostgreSQL skips the final snapshot."
  type        = bool
  default     = true
}

variable "redis_create_parameter_group" {
  description = "Whether to create a Redis parameter group (false uses default.redis7)."
  type        = bool
  default     = true
}

variable "redis_delete_timeout" {
  description = "How long to wait for the Redis replication group to be deleted."
  type        = string
  default     = "40m"
}

variable "backups_versioning" {
  description = "Whether the backup bucket is versioned."
  type        = bool
  default     = true
}

variable "backups_force_destroy" {
  description = "Whether destroying the backup bucket deletes its objects."
  type        = bool
  default     = true
}
