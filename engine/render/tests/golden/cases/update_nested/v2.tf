resource "terraform_data" "a" {
  input = {
    name  = "alpha"
    keep1 = "same"
    keep2 = "same"
    tags  = { env = "prod", owner = "me", extra = "new" }
    list  = ["a", "b", "c", "X", "e", "f", "g"]
    added = true
    num   = 2
  }
}
output "o" { value = "two" }
output "n" { value = 5 }
