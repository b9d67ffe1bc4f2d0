resource "terraform_data" "a" {
  input = jsonencode({ a = 1, b = ["x", "y"], c = { d = true } })
}
resource "terraform_data" "b" {
  input = jsonencode([1, 2, 3])
}
resource "terraform_data" "c" {
  input = "{\"a\": 1}"
}
