variable "source" {}
variable "count" {}
variable "for_each" {}
variable "depends_on" {}
variable "lifecycle" {}
variable "providers" {}
variable "locals" {}
variable "version" {}
variable "1abc" {}
resource "terraform_data" "1abc" {}
module "count" { source = "./m" }
