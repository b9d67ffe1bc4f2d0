variable "x" { default = 1 }
resource "terraform_data" "a" {

}
resource "terraform_data" "b" {
  depends_on = [terraform_data.a.id, var.x, local.y]
}
locals { y = 1 }
module "m" {
  source = "./m"
  count  = 2
}
output "o" { value = module.m.out }
output "p" { value = module.m[0].nope }
check "c" {
  data "terraform_remote_state" "s" { backend = "local" }
  assert {
    condition = data.terraform_remote_state.s.outputs != null
    error_message = "x"
  }
}
