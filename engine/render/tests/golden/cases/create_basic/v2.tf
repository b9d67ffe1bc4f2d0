resource "terraform_data" "a" {
  input = {
    name    = "alpha"
    count   = 3
    enabled = true
    ratio   = 1.5
    tags    = { env = "dev", "team-name" = "core" }
    list    = ["x", "y"]
    empty   = []
    nothing = null
  }
}
resource "terraform_data" "b" {
  input = "plain"
}
resource "terraform_data" "c" {}
output "a_input" { value = terraform_data.a.input }
output "b_out" { value = terraform_data.b.output }
output "literal" { value = "hello" }
