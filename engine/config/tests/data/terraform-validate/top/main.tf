terraform {
  backend "local" {}
  backend "local" {}
  required_version = ">= 1.0"
}
terraform {
  required_providers {
    foo = { source = "x/foo" }
  }
}
terraform {
  required_providers {
    bar = { source = "x/bar", bogus = 1 }
  }
}
provider "terraform" {
  alias = "a"
}
provider "terraform" {
  alias = "a"
}
output "1bad" { value = 1 }
check "c" {
}
