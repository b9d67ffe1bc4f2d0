module "a" {
  source   = "./modules/a"
  for_each = toset(["x"])
  name     = each.key
}
output "names" {
  value = module.a["x"].name
}
output "bad" {
  value = module.a.name
}
