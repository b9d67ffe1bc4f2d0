resource "terraform_data" "a" {
  input = jsonencode({ a = 2, b = ["x", "z", "y"], c = { d = true }, e = null })
}
resource "terraform_data" "b" {
  input = "not json"
}
resource "terraform_data" "c" {
  input = "{\"a\":1}"
}
resource "terraform_data" "d" {
  input = jsonencode({ fresh = "yes", n = [] })
}
