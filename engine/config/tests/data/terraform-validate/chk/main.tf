check "c" {
  data "terraform_remote_state" "s" {
    backend = "local"
    count = 1
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs != null && var.nope
    error_message = "x"
  }
}
import {
  for_each = toset(["a"])
  to       = terraform_data.x[each.key]
  id       = each.value
}
resource "terraform_data" "x" {
  for_each = toset(["a"])
}
removed {
  from = terraform_data.gone
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${self.id} ${local.x}"
  }
}
