variable "env" {
  type        = string
  default     = "dev"
  description = "Deployment environment name"
}

variable "replicas" {
  type    = number
  default = 3
}

variable "release" {
  type    = string
  default = "v2"
}

locals {
  name = "app-${var.env}"
  tags = {
    env   = var.env
    owner = "platform"
  }
}

resource "terraform_data" "network" {
  input = {
    cidr = "10.0.0.0/16"
    name = "${local.name}-net"
  }
}

resource "terraform_data" "db" {
  input = {
    name    = "${local.name}-db"
    network = terraform_data.network.output.name
    tags    = local.tags
  }
}

resource "terraform_data" "app" {
  count = var.replicas

  input            = "${local.name}-app-${count.index}"
  triggers_replace = [var.release]

  depends_on = [terraform_data.db]

  lifecycle {
    create_before_destroy = true
  }
}

resource "terraform_data" "lb" {
  input = {
    name     = upper(local.name)
    backends = terraform_data.app[*].output
  }
}

output "lb_name" {
  value = terraform_data.lb.output.name
}

output "app_ids" {
  value = terraform_data.app[*].id
}
