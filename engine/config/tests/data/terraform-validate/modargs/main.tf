module "child" {
  source = "./child"
  nme    = "x"
}
output "o" { value = module.child.nope }
output "p" { value = module.child.out }
