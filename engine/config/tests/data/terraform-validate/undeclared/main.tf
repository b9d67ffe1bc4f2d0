resource "terraform_data" "r" {
  input = var.nope
  triggers_replace = [local.nope, module.nope.x, terraform_data.nope.id, data.terraform_remote_state.nope, count.index, each.key, self.id, path.module, foo.bar, terraform.workspace, path.nope]
}
variable "vpc_ids" {}
output "x" { value = var.vpc_id }
