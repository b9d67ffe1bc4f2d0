variable "value" {}
output "v" { value = var.value }
