# A two-tier web application on Kubernetes: a frontend and a backend, each
# with its Deployment and Service, shared configuration, a database Secret,
# an Ingress, and a NetworkPolicy that lets only the frontend reach the
# backend and only the backend reach PostgreSQL and Redis.
#
#   terrane init
#   terrane apply -auto-approve -var kubeconfig=$KUBECONFIG
#   terrane plan -detailed-exitcode -var kubeconfig=$KUBECONFIG   # exits 0
#   terrane destroy -auto-approve -var kubeconfig=$KUBECONFIG
#
# The same files work with Terraform and hashicorp/kubernetes.

terraform {
  required_providers {
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}

provider "kubernetes" {
  config_path    = var.kubeconfig
  config_context = var.kube_context
}

locals {
  labels = {
    "app.kubernetes.io/part-of"    = var.app_name
    "app.kubernetes.io/managed-by" = "terrane"
  }
  frontend_labels = { app = "frontend", tier = "web" }
  backend_labels  = { app = "backend", tier = "api" }
}

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_config_map_v1" "app" {
  metadata {
    name      = "${var.app_name}-config"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.labels
  }

  data = {
    APP_ENV     = var.environment
    LOG_LEVEL   = var.environment == "production" ? "info" : "debug"
    BACKEND_URL = "http://backend.${var.namespace}.svc.cluster.local:3000"
  }
}

resource "kubernetes_secret_v1" "database" {
  metadata {
    name      = "${var.app_name}-database"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.labels
  }

  data = {
    DATABASE_URL = "postgres://${var.database_user}:${var.database_password}@${var.postgres_host}:5432/${var.app_name}"
    REDIS_URL    = "redis://${var.redis_host}:6379/0"
  }
}
