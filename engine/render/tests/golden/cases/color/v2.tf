resource "terraform_data" "a" {
  input = "t"
}
resource "terraform_data" "b" {
  input = "r"
}
resource "terraform_data" "c" {
  input = "trig"
  lifecycle {
    replace_triggered_by = [terraform_data.d]
  }
}
resource "terraform_data" "d" {
  input = "two"
}
resource "terraform_data" "new" {
  input = { a = [1, 2], s = "x\ny" }
}
output "o" {
  value = terraform_data.d.output
}
