variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name of the Deployment, Service and Ingress (and the app.kubernetes.io/name label)."
  type        = string
}

variable "namespace" {
  description = "Namespace to create the objects in (must exist)."
  type        = string
}

variable "labels" {
  description = "Extra labels for every object and the pods."
  type        = map(string)
  default     = {}
}

variable "image" {
  description = "Container image."
  type        = string
}

variable "args" {
  description = "Arguments of the container (null keeps the image's)."
  type        = list(string)
  default     = null
}

variable "replicas" {
  description = "Number of pods."
  type        = number
  default     = 2
}

variable "container_port" {
  description = "Port the container serves HTTP on."
  type        = number
  default     = 8080
}

variable "service_port" {
  description = "Port of the Service."
  type        = number
  default     = 80
}

variable "env" {
  description = "Environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "env_from_config_maps" {
  description = "ConfigMaps whose keys become environment variables."
  type        = list(string)
  default     = []
}

variable "env_from_secrets" {
  description = "Secrets whose keys become environment variables."
  type        = list(string)
  default     = []
}

variable "requests" {
  description = "Resource requests of the container."
  type        = map(string)
  default     = { cpu = "100m", memory = "128Mi" }
}

variable "limits" {
  description = "Resource limits of the container."
  type        = map(string)
  default     = { cpu = "200m", memory = "256Mi" }
}

variable "liveness_path" {
  description = "HTTP path of the liveness probe."
  type        = string
  default     = "/health"
}

variable "readiness_path" {
  description = "HTTP path of the readiness probe."
  type        = string
  default     = "/health"
}

variable "probe_initial_delay" {
  description = "Seconds before the first liveness probe."
  type        = number
  default     = 10
}

variable "wait_for_rollout" {
  description = "Whether apply waits until the Deployment's pods are ready."
  type        = bool
  default     = true
}

variable "ingress_host" {
  description = "Host name routed to the Service by an Ingress; null creates no Ingress."
  type        = string
  default     = null
}

variable "ingress_path" {
  description = "Path prefix routed by the Ingress."
  type        = string
  default     = "/"
}

variable "ingress_class" {
  description = "Ingress class of the Ingress."
  type        = string
  default     = "nginx"
}
