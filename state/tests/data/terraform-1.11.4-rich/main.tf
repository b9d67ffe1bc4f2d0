variable "pw" {
  type      = string
  default   = "s3cr3t"
  sensitive = true
}

resource "terraform_data" "html" {
  input = {
    text   = "a<b>&c \u2028 tab\t nl\n quote\" bs\\ ctl\u0001 del\u007f é 😀"
    big    = 100000000000000000000
    small  = 0.0000001
    third  = 1 / 3
    frac   = 0.1
    neg    = -42
    flt    = 1.5
    huge   = 123456789012345678901234567890
  }
}

resource "terraform_data" "secret" {
  input = { password = var.pw, list = [1, 2, var.pw] }
}

resource "terraform_data" "each" {
  for_each = toset(["b", "a", "x y", "\"q\""])
  input    = each.key
}

module "a" {
  source   = "./modules/child"
  for_each = { "x" = 1, "y" = 2 }
  n        = each.value
}

resource "terraform_data" "aliased" {
  provider = terraform
  input    = "p"
}

check "c1" {
  assert {
    condition     = terraform_data.html.output.neg < 0
    error_message = "neg"
  }
}

resource "terraform_data" "cond" {
  input = 1
  lifecycle {
    postcondition {
      condition     = self.output == 1
      error_message = "x"
    }
  }
}

data "terraform_remote_state" "rs" {
  backend = "local"
  config = {
    path = "${path.module}/other.tfstate"
  }
}

output "sens" {
  value     = var.pw
  sensitive = true
}
output "num" {
  value = 1 / 3
}
output "empty" {
  value = {}
}
output "nul" {
  value = null
}

variable "gen" {
  type    = string
  default = "1"
}
resource "terraform_data" "dep" {
  triggers_replace = [var.gen]
  lifecycle {
    create_before_destroy = true
  }
  provisioner "local-exec" {
    command = var.gen == "1" ? "true" : "false"
  }
}
