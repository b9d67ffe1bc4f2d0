resource "terraform_data" "a" {
  input = {
    name  = "alpha"
    keep1 = "same"
    keep2 = "same"
    tags  = { env = "dev", owner = "me", cost = "1" }
    list  = ["a", "b", "c", "d", "e", "f"]
    gone  = "bye"
    num   = 1
  }
}
output "o" { value = "one" }
