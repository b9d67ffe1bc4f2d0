variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "namespace" {
  description = "Namespace of the monitoring objects."
  type        = string
  default     = "monitoring"
}

variable "create_namespace" {
  description = "Whether to create the namespace (false: it must exist)."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Extra labels for every object."
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "Prometheus container image."
  type        = string
  default     = "prom/prometheus:v2.53.0"
}

variable "scrape_interval" {
  description = "How often targets are scraped."
  type        = string
  default     = "30s"
}

variable "scrape_targets" {
  description = "Static scrape jobs: job name => list of host:port targets."
  type        = map(list(string))
  default     = {}
}

variable "retention" {
  description = "How long samples are kept."
  type        = string
  default     = "7d"
}

variable "requests" {
  description = "Resource requests of the Prometheus container."
  type        = map(string)
  default     = { cpu = "100m", memory = "256Mi" }
}

variable "limits" {
  description = "Resource limits of the Prometheus container."
  type        = map(string)
  default     = { cpu = "500m", memory = "512Mi" }
}

variable "wait_for_rollout" {
  description = "Whether apply waits until Prometheus is ready."
  type        = bool
  default     = true
}
