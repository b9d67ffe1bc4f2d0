resource "terraform_data" "new" {
  input = "m"
}
resource "terraform_data" "new2" {
  input = "m3"
}
moved {
  from = terraform_data.old
  to   = terraform_data.new
}
moved {
  from = terraform_data.old2
  to   = terraform_data.new2
}
