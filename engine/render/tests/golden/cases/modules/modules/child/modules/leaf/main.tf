variable "value" {}
resource "terraform_data" "leaf" {
  input = { v = var.value }
}
output "out" {
  value = terraform_data.leaf.input.v
}
