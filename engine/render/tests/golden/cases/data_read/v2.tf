resource "terraform_data" "x" {
  input = "a"
}
data "terraform_remote_state" "r" {
  backend = "local"
  config = { path = terraform_data.x.output }
}
output "o" {
 value = data.terraform_remote_state.r.outputs
}
