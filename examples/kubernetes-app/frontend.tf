resource "kubernetes_deployment_v1" "frontend" {
  metadata {
    name      = "frontend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = merge(local.labels, local.frontend_labels)
  }

  spec {
    replicas = 3

    selector {
      match_labels = local.frontend_labels
    }

    template {
      metadata {
        labels = merge(local.labels, local.frontend_labels)
      }

      spec {
        container {
          name  = "frontend"
          image = var.frontend_image

          port {
            name           = "http"
            container_port = 8080
          }

          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.app.metadata[0].name
            }
          }

          resources {
            requests = {
              memory = "128Mi"
              cpu    = "100m"
            }
            limits = {
              memory = "256Mi"
              cpu    = "200m"
            }
          }

          liveness_probe {
            http_get {
              path = "/"
              port = "8080"
            }
            initial_delay_seconds = 10
            period_seconds        = 15
          }

          readiness_probe {
            http_get {
              path = "/"
              port = "8080"
            }
            initial_delay_seconds = 5
            period_seconds        = 5
          }
        }
      }
    }
  }

  # The test cluster has no nodes, so pods never start; a real cluster can
  # leave this at its default (true) to wait for the rollout.
  wait_for_rollout = false
}

resource "kubernetes_service_v1" "frontend" {
  metadata {
    name      = "frontend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
    labels    = local.labels
  }

  spec {
    selector = local.frontend_labels

    port {
      name        = "http"
      port        = 80
      target_port = "8080"
    }
  }
}
