resource "terraform_data" "a" {
  input = { now = "object" }
}
resource "terraform_data" "b" {
  input = 12
}
resource "terraform_data" "c" {
  input = { k = [{ a = 1, b = "x" }, { a = 3, b = "y" }, { a = 4, b = "z" }] }
}
