provider "terraform" {
  alias = "ok"
}
module "m" {
  source = "./m"
  providers = {
    terraform = terraform.nope
    terraform.other = terraform.ok
  }
}
