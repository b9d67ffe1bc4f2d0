variable "v" {
  type = string
  validation {
    condition     = length(var.v) > 0
    error_message = "x"
  }
  validation {
    condition = var.v != ""
  }
}
resource "terraform_data" "a" {
  provider = terraform.foo
  lifecycle {
    ignore_changes = [input]
    create_before_destroy = var.v
  }
}
output "o" {
  value = var.v
  sensitive = "yes"
}
module "mm" {
  source = "./m"
  count = 1
  for_each = {}
}
