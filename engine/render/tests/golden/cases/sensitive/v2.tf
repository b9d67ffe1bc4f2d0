variable "secret" {
  default   = "n3w"
  sensitive = true
}
resource "terraform_data" "a" {
  input = { user = "root", password = var.secret }
}
resource "terraform_data" "b" {
  input = var.secret
}
resource "terraform_data" "c" {
  input = sensitive("visible")
}
resource "terraform_data" "d" {
  input = [var.secret, "open"]
}
output "pw" {
  value     = var.secret
  sensitive = true
}
