terraform {
  cloud {
    organization = "x"
    workspaces { name = "y" }
  }
}
resource "terraform_data" "a" {
  connection { host = "x" }
  provisioner "remote-exec" { inline = ["x"] }
}
