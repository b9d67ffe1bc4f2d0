variable "name" {}
variable "opt" { default = 1 }
output "out" { value = var.name }
