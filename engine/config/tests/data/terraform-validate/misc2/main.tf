moved {
  from = terraform_data.a
}
import {
  to = terraform_data.a
}
removed {
  from = terraform_data.z
  lifecycle { destroy = false }
}
resource "terraform_data" "a" {
  lifecycle {
    ignore_changes = [input, "output", triggers_replace[0]]
    replace_triggered_by = [terraform_data.b]
  }
}
