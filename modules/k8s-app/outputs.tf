output "deployment_name" {
  description = "Name of the Deployment."
  value       = try(kubernetes_deployment_v1.this[0].metadata[0].name, null)
}

output "service_name" {
  description = "Name of the Service."
  value       = try(kubernetes_service_v1.this[0].metadata[0].name, null)
}

output "cluster_ip" {
  description = "Cluster IP of the Service."
  value       = try(kubernetes_service_v1.this[0].spec[0].cluster_ip, null)
}

output "service_url" {
  description = "In-cluster URL of the Service."
  value       = local.create ? "http://${var.name}.${var.namespace}.svc.cluster.local:${var.service_port}" : null
}

output "ingress_name" {
  description = "Name of the Ingress (null without one)."
  value       = try(kubernetes_ingress_v1.this[0].metadata[0].name, null)
}

output "selector_labels" {
  description = "Labels selecting the pods (for NetworkPolicies)."
  value       = local.selector_labels
}
