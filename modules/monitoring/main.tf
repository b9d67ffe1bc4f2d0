# Prometheus in its own namespace: a ConfigMap with the scrape
# configuration (itself plus the given static targets), a Deployment that
# mounts it, and a ClusterIP Service on the web port.

locals {
  create          = var.create
  selector_labels = { "app.kubernetes.io/name" = "prometheus" }
  labels = merge(
    local.selector_labels,
    { "app.kubernetes.io/part-of" = "monitoring", "app.kubernetes.io/managed-by" = "terrane" },
    var.labels,
  )

  scrape_config = {
    global = {
      scrape_interval     = var.scrape_interval
      evaluation_interval = var.scrape_interval
    }
    scrape_configs = concat(
      [{
        job_name       = "prometheus"
        static_configs = [{ targets = ["localhost:9090"] }]
      }],
      [for job, targets in var.scrape_targets : {
        job_name       = job
        metrics_path   = "/metrics"
        static_configs = [{ targets = targets }]
      }],
    )
  }
}

resource "kubernetes_namespace_v1" "this" {
  count = local.create && var.create_namespace ? 1 : 0

  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_config_map_v1" "this" {
  count = local.create ? 1 : 0

  metadata {
    name      = "prometheus-config"
    namespace = var.create_namespace ? kubernetes_namespace_v1.this[0].metadata[0].name : var.namespace
    labels    = local.labels
  }

  data = {
    "prometheus.yml" = yamlencode(local.scrape_config)
  }
}

resource "kubernetes_deployment_v1" "this" {
  count = local.create ? 1 : 0

  metadata {
    name      = "prometheus"
    namespace = kubernetes_config_map_v1.this[0].metadata[0].namespace
    labels    = local.labels
  }

  spec {
    replicas = 1

    selector {
      match_labels = local.selector_labels
    }

    template {
      metadata {
        labels = local.labels
        annotations = {
          "checksum/config" = sha256(kubernetes_config_map_v1.this[0].data["prometheus.yml"])
        }
      }

      spec {
        container {
          name  = "prometheus"
          image = var.image
          args = [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=${var.retention}",
          ]

          port {
            name           = "web"
            container_port = 9090
          }

          resources {
            requests = var.requests
            limits   = var.limits
          }

          liveness_probe {
            http_get {
              path = "/-/healthy"
              port = "9090"
            }
            initial_delay_seconds = 15
            period_seconds        = 15
          }

          readiness_probe {
            http_get {
              path = "/-/ready"
              port = "9090"
            }
            initial_delay_seconds = 5
            period_seconds        = 5
          }

          volume_mount {
            name       = "config"
            mount_path = "/etc/prometheus"
            read_only  = true
          }

          volume_mount {
            name       = "data"
            mount_path = "/prometheus"
          }
        }

        volume {
          name = "config"
          config_map {
            name = kubernetes_config_map_v1.this[0].metadata[0].name
          }
        }

        volume {
          name = "data"
          empty_dir {}
        }
      }
    }
  }

  wait_for_rollout = var.wait_for_rollout
}

resource "kubernetes_service_v1" "this" {
  count = local.create ? 1 : 0

  metadata {
    name      = "prometheus"
    namespace = kubernetes_config_map_v1.this[0].metadata[0].namespace
    labels    = local.labels
  }

  spec {
    type     = "ClusterIP"
    selector = local.selector_labels

    port {
      name        = "web"
      port        = 9090
      target_port = "9090"
    }
  }
}
