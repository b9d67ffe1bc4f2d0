resource "terraform_data" "a" {
  input = null
}
resource "terraform_data" "b" {
  input = { x = "1", y = null }
}
resource "terraform_data" "c" {
  input = "gone"
}
