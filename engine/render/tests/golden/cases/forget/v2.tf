resource "terraform_data" "keep" {
  input = "k"
}
removed {
  from = terraform_data.gone
  lifecycle {
    destroy = false
  }
}
