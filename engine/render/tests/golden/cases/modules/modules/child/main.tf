variable "label" {
  type = string
}
variable "n" {
  type    = number
  default = 1
}
resource "terraform_data" "item" {
  count = var.n
  input = "${var.label}-${count.index}"
}
module "leaf" {
  source = "./modules/leaf"
  value  = var.label
}
output "ids" {
  value = terraform_data.item[*].id
}
output "leaf" {
  value = module.leaf.out
}
