module "a" {
  source = "./modules/child"
  label  = "one"
  n      = 2
}
module "b" {
  source   = "./modules/child"
  for_each = toset(["x", "y"])
  label    = each.key
}
output "a_ids" {
  value = module.a.ids
}
