variable "kubeconfig" {
  type        = string
  default     = "~/.kube/config"
  description = "Path of the kubeconfig to use."
}

variable "kube_context" {
  type        = string
  default     = null
  description = "Context in the kubeconfig (its current context when null)."
}

variable "app_name" {
  type    = string
  default = "shop"
}

variable "namespace" {
  type    = string
  default = "shop"
}

variable "environment" {
  type    = string
  default = "staging"
}

variable "frontend_image" {
  type    = string
  default = "nginxinc/nginx-unprivileged:1.27"
}

variable "backend_image" {
  type    = string
  default = "ghcr.io/example/shop-backend:1.4.2"
}

variable "hostname" {
  type    = string
  default = "shop.example.com"
}

variable "ingress_class" {
  type    = string
  default = "nginx"
}

variable "postgres_host" {
  type    = string
  default = "10.20.1.10"
}

variable "postgres_cidr" {
  type    = string
  default = "10.20.1.0/24"
}

variable "redis_host" {
  type    = string
  default = "10.20.2.10"
}

variable "redis_cidr" {
  type    = string
  default = "10.20.2.0/24"
}

variable "database_user" {
  type    = string
  default = "shop"
}

variable "database_password" {
  type      = string
  default   = "change-me"
  sensitive = true
}
