data "terraform_remote_state" "a" {
  backend = "local"
  config = {
    path = "../a/terraform.tfstate"
  }
  defaults = { d = "default", s = "overridden" }
}
output "all" { 
  value = data.terraform_remote_state.a.outputs
  sensitive = false
}
output "types" { value = { for k, v in data.terraform_remote_state.a.outputs : k => try(type(v), "?") } }
