resource "terraform_data" "a" {
  input = terraform_data.a.id
}
locals {
  x = local.x
}
variable "t" {
  type = object({a=string})
  default = {a = "x", b = 1}
}
