# One application component in an existing namespace: a Deployment with
# resource requests/limits and HTTP liveness/readiness probes, a ClusterIP
# Service in front of it, and optionally an Ingress for a host name.

locals {
  create          = var.create
  selector_labels = { "app.kubernetes.io/name" = var.name }
  labels = merge(
    local.selector_labels,
    { "app.kubernetes.io/managed-by" = "terrane" },
    var.labels,
  )
}

resource "kubernetes_deployment_v1" "this" {
  count = local.create ? 1 : 0

  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }

  spec {
    replicas = var.replicas

    selector {
      match_labels = local.selector_labels
    }

    template {
      metadata {
        labels = local.labels
      }

      spec {
        container {
          name  = var.name
          image = var.image
          args  = var.args

          port {
            name           = "http"
            container_port = var.container_port
          }

          dynamic "env" {
            for_each = var.env
            content {
              name  = env.key
              value = env.value
            }
          }

          dynamic "env_from" {
            for_each = var.env_from_config_maps
            content {
              config_map_ref {
                name = env_from.value
              }
            }
          }

          dynamic "env_from" {
            for_each = var.env_from_secrets
            content {
              secret_ref {
                name = env_from.value
              }
            }
          }

          resources {
            requests = var.requests
            limits   = var.limits
          }

          liveness_probe {
            http_get {
              path = var.liveness_path
              port = tostring(var.container_port)
            }
            initial_delay_seconds = var.probe_initial_delay
            period_seconds        = 15
          }

          readiness_probe {
            http_get {
              path = var.readiness_path
              port = tostring(var.container_port)
            }
            initial_delay_seconds = 5
            period_seconds        = 5
          }
        }
      }
    }
  }

  wait_for_rollout = var.wait_for_rollout
}

resource "kubernetes_service_v1" "this" {
  count = local.create ? 1 : 0

  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }

  spec {
    type     = "ClusterIP"
    selector = local.selector_labels

    port {
      name        = "http"
      port        = var.service_port
      target_port = tostring(var.container_port)
    }
  }
}

resource "kubernetes_ingress_v1" "this" {
  count = local.create && var.ingress_host != null ? 1 : 0

  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }

  spec {
    ingress_class_name = var.ingress_class

    rule {
      host = var.ingress_host
      http {
        path {
          path      = var.ingress_path
          path_type = "Prefix"
          backend {
            service {
              name = kubernetes_service_v1.this[0].metadata[0].name
              port {
                number = var.service_port
              }
            }
          }
        }
      }
    }
  }
}
