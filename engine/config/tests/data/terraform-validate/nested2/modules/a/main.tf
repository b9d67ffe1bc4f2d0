variable "name" { type = string }
module "b" {
  source = "./modules/b"
  count  = 1
  value  = count.index
}
output "name" { value = var.name }
output "oops" { value = var.name }
resource "terraform_data" "t" {
  input = module.b[0].nothing
}
