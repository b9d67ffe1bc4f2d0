resource "terraform_data" "a" {
  input = each.key
}
output "o" { value = each.value }
locals { l = each.key }
