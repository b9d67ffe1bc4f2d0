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
  input = "one"
}
