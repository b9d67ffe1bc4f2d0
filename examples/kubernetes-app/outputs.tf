output "namespace" {
  value = kubernetes_namespace_v1.app.metadata[0].name
}

output "frontend_cluster_ip" {
  value = kubernetes_service_v1.frontend.spec[0].cluster_ip
}

output "backend_url" {
  value = "http://${kubernetes_service_v1.backend.metadata[0].name}.${var.namespace}.svc.cluster.local:3000"
}

output "url" {
  value = "http://${var.hostname}/"
}
