resource "terraform_data" "a" {
  input = "x"
}
output "keep" { value = "same" }
output "change" { value = { a = 1, b = [1, 2] } }
output "removed" { value = "bye" }
