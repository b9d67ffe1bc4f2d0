locals {
  a = {
    x : 1,
    y = [1, 2,]
  }
  b = max(1, 2,)
  c = <<-EOT
    hi ${local.a.x}
  EOT
  d = [for k, v in local.a : v...]
  e = var.nope
}
