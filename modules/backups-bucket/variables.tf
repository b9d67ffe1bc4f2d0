variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "bucket" {
  description = "Name of the bucket (globally unique, lower case)."
  type        = string
}

variable "force_destroy" {
  description = "Whether destroying the bucket deletes the objects in it first."
  type        = bool
  default     = false
}

variable "versioning_enabled" {
  description = "Whether the bucket keeps every version of every object."
  type        = bool
  default     = true
}

variable "kms_key_id" {
  description = "KMS key for server-side encryption; null uses S3-managed keys (AES256)."
  type        = string
  default     = null
}

variable "expiration_days" {
  description = "Days after which objects, and noncurrent versions, expire."
  type        = number
  default     = 7
}

variable "lifecycle_prefix" {
  description = "Key prefix the expiration rule applies to (empty for the whole bucket)."
  type        = string
  default     = ""
}

variable "writer_arns" {
  description = "IAM principals allowed to write and read backups."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
  default     = {}
}
