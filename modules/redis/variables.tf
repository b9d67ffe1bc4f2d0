variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "name" {
  description = "Replication group ID (lower case, at most 40 characters); also names the subnet, parameter and security groups."
  type        = string
}

variable "description" {
  description = "Description of the replication group; null uses \"Redis NAME\"."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the cache's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the cache subnet group."
  type        = list(string)
}

variable "allowed_cidr_blocks" {
  description = "CIDR blocks allowed to connect to the Redis port."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Extra security groups attached to the replication group."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "Redis version."
  type        = string
  default     = "7.1"
}

variable "family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "redis7"
}

variable "create_parameter_group" {
  description = "Whether to create a parameter group; false uses parameter_group_name or default.FAMILY."
  type        = bool
  default     = true
}

variable "parameter_group_name" {
  description = "Existing parameter group to use when create_parameter_group is false."
  type        = string
  default     = null
}

variable "parameters" {
  description = "Parameters of the created parameter group."
  type = list(object({
    name  = string
    value = string
  }))
  default = []
}

variable "node_type" {
  description = "Cache node type."
  type        = string
  default     = "cache.t3.micro"
}

variable "port" {
  description = "Port Redis listens on."
  type        = number
  default     = 6379
}

variable "replicas_per_node_group" {
  description = "Number of replicas of the primary."
  type        = number
  default     = 1
}

variable "automatic_failover_enabled" {
  description = "Whether a replica is promoted when the primary fails (needs at least one replica)."
  type        = bool
  default     = true
}

variable "multi_az_enabled" {
  description = "Whether replicas are placed in other availability zones than the primary (needs automatic failover)."
  type        = bool
  default     = true
}

variable "at_rest_encryption_enabled" {
  description = "Whether data at rest is encrypted."
  type        = bool
  default     = true
}

variable "transit_encryption_enabled" {
  description = "Whether connections use TLS."
  type        = bool
  default     = true
}

variable "snapshot_retention_limit" {
  description = "Days automatic snapshots are kept (0 disables them)."
  type        = number
  default     = 7
}

variable "apply_immediately" {
  description = "Whether changes apply at once instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "timeouts" {
  description = "Create, update and delete timeouts of the replication group."
  type = object({
    create = optional(string, "60m")
    update = optional(string, "40m")
    delete = optional(string, "40m")
  })
  default = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
