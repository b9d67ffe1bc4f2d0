resource "terraform_data" "a" {

}
output "x" {
  value = terraform_data.a.id
  ephemeral = true
}
variable "e" {
  type = string
  ephemeral = true
  default = "x"
  nullable = false
}
resource "terraform_data" "b" {
  input = var.e
}
locals {
  bad-name = 1
}
output "y" {
  value = [for k, v in terraform_data.a : v]
}
