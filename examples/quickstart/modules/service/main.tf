variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "workers" {
  type = list(string)
}

resource "random_integer" "port" {
  min = 8000
  max = 8999
  keepers = {
    name = var.name
  }
}

resource "terraform_data" "service" {
  input = {
    name        = var.name
    environment = var.environment
    port        = random_integer.port.result
    workers     = length(var.workers)
  }
  triggers_replace = [var.environment]
}

output "endpoint" {
  value = "http://${var.name}.internal:${random_integer.port.result}"
}
