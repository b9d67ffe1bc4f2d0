resource "terraform_data" "a" {
  count = 2
  lifecycle {
    precondition {
      condition     = self.input != null
      error_message = "x"
    }
  }
}
output "o" {
  value = count.index
}
module "m" {
  source = "./m"
  x      = each.key
}
locals {
  l = terraform_data.a[*].id
  m = terraform_data.a.id
  n = path.modul
  o = terraform.workspaces
  p = var
  q = module.m
}
