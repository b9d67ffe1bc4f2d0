resource "terraform_data" "a" {
  lifecycle {
    ignore_changes        = [all]
    create_before_destroy = 1
    prevent_destroy       = "true"
  }
}
resource "terraform_data" "b" {
  lifecycle {
    ignore_changes = "input"
    replace_triggered_by = terraform_data.a
  }
  lifecycle {}
}
resource "terraform_data" "c" {
  depends_on = terraform_data.a
  count = 1
  connection {}
  connection {}
}
