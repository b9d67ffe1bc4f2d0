variable "n" { type = number }
resource "terraform_data" "c" {
  count = var.n
  input = count.index
}
module "b" {
  source = "./grand"
}
output "o" { value = var.n }
