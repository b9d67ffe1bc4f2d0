resource "terraform_data" "a" {}
moved {
  from = var.x
  to   = terraform_data.a
}
moved {
  from = terraform_data.b
  to   = terraform_data.a.id
}
moved {
  from = terraform_data.c
  to   = module.x
}
import {
  to = var.y
  id = "x"
}
import {
  to = terraform_data.a
  id = 5
}
removed {
  from = terraform_data.a
}
removed {
  from = terraform_data.zz[0]
}
