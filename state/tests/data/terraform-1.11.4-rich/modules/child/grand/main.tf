resource "terraform_data" "g" {
  input = "g"
}
