locals {
  k8s_labels = {
    "app.kubernetes.io/part-of" = var.name
    environment                 = var.environment
  }
}

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name   = var.namespace
    labels = local.k8s_labels
  }
}

resource "kubernetes_config_map_v1" "app" {
  metadata {
    name      = "${var.name}-config"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.k8s_labels
  }

  data = {
    APP_ENV        = var.environment
    BACKEND_URL    = module.backend.service_url
    BACKUPS_BUCKET = module.backups.bucket_id
  }
}

resource "kubernetes_secret_v1" "database" {
  metadata {
    name      = "${var.name}-database"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.k8s_labels
  }

  data = {
    DATABASE_URL = "postgres://${var.name}:${var.db_password}@${module.postgres.db_instance_endpoint}/${var.name}"
    REDIS_URL    = "rediss://${module.redis.primary_endpoint_address}:6379/0"
  }
}

module "frontend" {
  source = "../../modules/k8s-app"

  name                 = "frontend"
  namespace            = kubernetes_namespace_v1.app.metadata[0].name
  labels               = local.k8s_labels
  image                = var.frontend_image
  replicas             = 3
  container_port       = 8080
  env_from_config_maps = [kubernetes_config_map_v1.app.metadata[0].name]
  liveness_path        = "/"
  readiness_path       = "/"
  requests             = { cpu = "100m", memory = "128Mi" }
  limits               = { cpu = "200m", memory = "256Mi" }
  wait_for_rollout     = var.wait_for_rollout
  ingress_host         = var.hostname
}

module "backend" {
  source = "../../modules/k8s-app"

  name             = "backend"
  namespace        = kubernetes_namespace_v1.app.metadata[0].name
  labels           = local.k8s_labels
  image            = var.backend_image
  replicas         = 2
  container_port   = 3000
  service_port     = 3000
  env_from_secrets = [kubernetes_secret_v1.database.metadata[0].name]
  requests         = { cpu = "200m", memory = "256Mi" }
  limits           = { cpu = "500m", memory = "512Mi" }
  wait_for_rollout = var.wait_for_rollout
}

# Only the frontend may reach the backend, and the backend may reach only
# PostgreSQL and Redis in the private subnets.
resource "kubernetes_network_policy_v1" "backend" {
  metadata {
    name      = "backend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.k8s_labels
  }

  spec {
    pod_selector {
      match_labels = module.backend.selector_labels
    }

    policy_types = ["Ingress", "Egress"]

    ingress {
      from {
        pod_selector {
          match_labels = module.frontend.selector_labels
        }
      }
      ports {
        port     = "3000"
        protocol = "TCP"
      }
    }

    egress {
      dynamic "to" {
        for_each = module.network.private_subnets_cidr_blocks
        content {
          ip_block {
            cidr = to.value
          }
        }
      }
      ports {
        port     = "5432"
        protocol = "TCP"
      }
      ports {
        port     = "6379"
        protocol = "TCP"
      }
    }
  }
}

module "monitoring" {
  source = "../../modules/monitoring"

  namespace        = var.monitoring_namespace
  labels           = local.k8s_labels
  wait_for_rollout = var.wait_for_rollout
  scrape_targets = {
    frontend = ["frontend.${var.namespace}.svc.cluster.local:80"]
    backend  = ["backend.${var.namespace}.svc.cluster.local:3000"]
  }
}
