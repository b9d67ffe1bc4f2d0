resource "terraform_data" "a" {
  input = <<-EOT
    line one
    line 2
    line three
    line four
  EOT
}
resource "terraform_data" "b" {
  input = "multi\nline"
}
resource "terraform_data" "c" {
  input = "fresh\nmulti\nline\n"
}
