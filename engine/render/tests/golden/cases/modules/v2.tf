module "a" {
  source = "./modules/child"
  label  = "two"
  n      = 1
}
module "b" {
  source   = "./modules/child"
  for_each = toset(["x"])
  label    = each.key
}
output "a_ids" {
  value = module.a.ids
}
output "b_leaf" {
  value = module.b["x"].leaf
}
