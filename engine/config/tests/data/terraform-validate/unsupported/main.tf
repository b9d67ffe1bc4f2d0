resource "terraform_data" "r" {
  count = 1
  for_each = {}
  lifecycle {
    bogus = 1
    ignore_changes = [input, "x", foo[0]]
    create_before_destroy = true
  }
  provisioner "local-exec" { command = "x" }
  provisioner "remote-exec" { inline = ["x"] }
  provisioner "file" {
    source = "a"
    destination = "b"
  }
  provisioner "chef" {}
  connection { host = "x" }
}
variable "v" {
  type = list(string)
  default = "x"
  bogus = 1
  validation {
    condition = local.x == 1
    error_message = "x"
  }
}
output "o" {
  valu = 1
}
module "m" {
  source = "./m"
  version = "1.0"
}
varable "x" {}
resource "terraform_data" "d" {
  depends_on = [var.v, "terraform_data.r", terraform_data.r.id]
}
terraform {
  required_version = ">= 99"
  cloud {}
  experiments = [foo]
}
