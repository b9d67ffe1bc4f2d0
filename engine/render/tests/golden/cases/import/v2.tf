import {
  to = terraform_data.imported
  id = "existing-id"
}
resource "terraform_data" "imported" {
}
resource "terraform_data" "other" {
  input = "x"
}
