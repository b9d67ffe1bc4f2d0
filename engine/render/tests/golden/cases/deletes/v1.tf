resource "terraform_data" "counted" {
  count = 3
  input = count.index
}
resource "terraform_data" "each" {
  for_each = toset(["a", "b"])
  input    = each.key
}
resource "terraform_data" "orphan" {
  input = "x"
}
resource "terraform_data" "single" {
  input = "s"
}
