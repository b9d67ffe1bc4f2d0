variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
resource "terraform_data" "a" {
  input = { user = "admin", password = var.secret }
}
resource "terraform_data" "b" {
  input = var.secret
}
resource "terraform_data" "c" {
  input = "visible"
}
output "pw" {
  value     = var.secret
  sensitive = true
}
