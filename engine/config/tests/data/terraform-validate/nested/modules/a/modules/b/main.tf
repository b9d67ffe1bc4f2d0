variable "value" {}
output "v" { value = var.valeu }
