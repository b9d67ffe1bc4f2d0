variable "secret" {
  default   = "pw"
  sensitive = true
}
resource "terraform_data" "a" {
  input = {
    name   = "alpha"
    list   = [1, 2]
    nested = { deep = ["x"], text = "multi\nline\n" }
    json   = jsonencode({ k = "v" })
    pw     = var.secret
  }
}
resource "terraform_data" "b" {
  count = 2
  input = count.index
  triggers_replace = ["t"]
}
resource "terraform_data" "c" {}
output "obj" { value = terraform_data.a.output.name }
output "list" { value = [for b in terraform_data.b : b.id] }
output "secret" {
  value     = var.secret
  sensitive = true
}
output "map" { value = { a = 1, b = "two" } }
