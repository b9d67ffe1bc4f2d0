output "namespace" {
  description = "Namespace of the monitoring objects."
  value       = try(kubernetes_config_map_v1.this[0].metadata[0].namespace, null)
}

output "service_name" {
  description = "Name of the Prometheus Service."
  value       = try(kubernetes_service_v1.this[0].metadata[0].name, null)
}

output "url" {
  description = "In-cluster URL of Prometheus."
  value       = local.create ? "http://prometheus.${var.namespace}.svc.cluster.local:9090" : null
}

output "scrape_config" {
  description = "The generated prometheus.yml."
  value       = try(kubernetes_config_map_v1.this[0].data["prometheus.yml"], null)
}
