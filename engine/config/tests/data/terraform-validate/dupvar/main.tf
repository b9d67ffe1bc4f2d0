variable "a" {}
variable "a" {}
locals { x = 1 }
locals { x = 2 }
output "o" { value = 1 }
output "o" { value = 2 }
resource "terraform_data" "r" {}
resource "terraform_data" "r" {}
data "terraform_remote_state" "d" { backend = "local" }
data "terraform_remote_state" "d" { backend = "local" }
module "m" { source = "./m" }
module "m" { source = "./m" }
provider "aws" {}
provider "aws" {}
