resource "terraform_data" "a" {
  input = <<-EOT
    line one
    line two
    line three
  EOT
}
resource "terraform_data" "b" {
  input = "single"
}
