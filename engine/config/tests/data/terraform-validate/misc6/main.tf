locals {
  a = local.b
  b = local.a
  c = [for x in var.list : x.name]
  d = { for k, v in var.map : k => v if v != null }
}
variable "list" { type = list(object({ name = string })) }
variable "map" {
  type = map(string)
  default = { a = "1", a = "2" }
}
resource "terraform_data" "x" {
  for_each = var.map
  input    = each.value
  triggers_replace = terraform_data.x["a"].id
}
