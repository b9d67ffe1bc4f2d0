resource "terraform_data" "a" {
  input = "foo"
  triggers_replace = ["x"]
}
resource "terraform_data" "b" {
}
