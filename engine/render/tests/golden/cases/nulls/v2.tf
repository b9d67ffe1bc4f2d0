resource "terraform_data" "a" {
  input = "now set"
}
resource "terraform_data" "b" {
  input = { x = null, y = "2" }
}
resource "terraform_data" "c" {
  input = null
}
