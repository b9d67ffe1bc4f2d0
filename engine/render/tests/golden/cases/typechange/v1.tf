resource "terraform_data" "a" {
  input = "str"
}
resource "terraform_data" "b" {
  input = [1, 2]
}
resource "terraform_data" "c" {
  input = { k = [{ a = 1, b = "x" }, { a = 2, b = "y" }] }
}
