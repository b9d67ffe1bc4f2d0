module "m" {
  source = "./m"
  x      = count.index
}
resource "terraform_data" "a" {
  input = each.value
  lifecycle {
    postcondition {
      condition = self.output != null && count.index == 0
      error_message = "x"
    }
  }
}
