resource "terraform_data" "one" {
  input = "1"
}
resource "terraform_data" "two" {
  input = ["a", "b"]
}
output "ids" {
  value = [terraform_data.one.id, terraform_data.two.id]
}
output "m" {
  value = { k = terraform_data.two.output }
}
