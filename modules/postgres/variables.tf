variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "identifier" {
  description = "Identifier of the primary instance (lower case); names the subnet, parameter and security groups and the replicas too."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the DB subnet group (at least two availability zones)."
  type        = list(string)
}

variable "allowed_cidr_blocks" {
  description = "CIDR blocks allowed to connect to the database port."
  type        = list(string)
  default     = []
}

variable "vpc_security_group_ids" {
  description = "Extra security groups attached to the primary and the replicas."
  type        = list(string)
  default     = []
}

variable "engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "15.4"
}

variable "family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "postgres15"
}

variable "parameters" {
  description = "Parameters of the parameter group."
  type = list(object({
    name         = string
    value        = string
    apply_method = optional(string, "immediate")
  }))
  default = []
}

variable "instance_class" {
  description = "Instance class of the primary (and of the replicas unless replica_instance_class is set)."
  type        = string
  default     = "db.t3.micro"
}

variable "replica_instance_class" {
  description = "Instance class of the read replicas; null uses instance_class."
  type        = string
  default     = null
}

variable "allocated_storage" {
  description = "Storage of the primary in GiB."
  type        = number
  default     = 20
}

variable "max_allocated_storage" {
  description = "Upper limit of storage autoscaling in GiB (0 disables it)."
  type        = number
  default     = 0
}

variable "storage_type" {
  description = "Storage type: gp2, gp3 or io1."
  type        = string
  default     = "gp3"
}

variable "storage_encrypted" {
  description = "Whether storage is encrypted at rest."
  type        = bool
  default     = true
}

variable "db_name" {
  description = "Name of the database created on the primary."
  type        = string
  default     = null
}

variable "username" {
  description = "Master user name."
  type        = string
  default     = "postgres"
}

variable "password" {
  description = "Master password."
  type        = string
  sensitive   = true
}

variable "port" {
  description = "Port the database listens on."
  type        = number
  default     = 5432
}

variable "multi_az" {
  description = "Whether the primary has a synchronous standby in another availability zone."
  type        = bool
  default     = true
}

variable "backup_retention_period" {
  description = "Days automated backups are kept (at least 1 for read replicas to work)."
  type        = number
  default     = 7
}

variable "backup_window" {
  description = "Daily UTC window for automated backups."
  type        = string
  default     = "03:00-04:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window."
  type        = string
  default     = "sun:05:00-sun:06:00"
}

variable "deletion_protection" {
  description = "Whether AWS refuses to delete the instances."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Whether deleting the primary skips the final snapshot."
  type        = bool
  default     = false
}

variable "final_snapshot_identifier" {
  description = "Name of the final snapshot; null uses IDENTIFIER-final."
  type        = string
  default     = null
}

variable "replica_count" {
  description = "Number of read replicas."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
