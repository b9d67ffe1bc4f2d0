resource "terraform_data" "a" {
  input = "x"
}
output "keep" { value = "same" }
output "change" { value = { a = 2, b = [1, 2, 3] } }
output "added" { value = ["new"] }
output "secret" {
  value     = "hidden"
  sensitive = true
}
