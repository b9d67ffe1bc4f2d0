variable {}
resource "terraform_data" {}
output "a" "b" {}
locals "x" {}
terraform "x" {}
module {}
