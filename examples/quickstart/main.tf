# terrane quickstart: a configuration that needs no cloud account.
#
#   terrane init
#   terrane apply -auto-approve
#   terrane plan -detailed-exitcode   # exits 0: nothing left to change
#   terrane destroy -auto-approve

terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
    local = {
      source = "hashicorp/local"
    }
  }
}

variable "project" {
  type        = string
  default     = "quickstart"
  description = "A name used in every resource."
}

variable "workers" {
  type    = number
  default = 2
}

variable "environments" {
  type    = set(string)
  default = ["dev", "staging"]
}

locals {
  prefix = "${var.project}-${terraform.workspace}"
  labels = {
    project = var.project
    managed = "terrane"
  }
}

resource "random_pet" "name" {
  prefix = local.prefix
  length = 2
}

resource "random_id" "suffix" {
  byte_length = 4
  keepers = {
    pet = random_pet.name.id
  }
}

resource "terraform_data" "worker" {
  count = var.workers

  input = {
    name   = "${random_pet.name.id}-worker-${count.index}"
    labels = local.labels
  }
}

module "service" {
  source   = "./modules/service"
  for_each = var.environments

  name        = "${random_pet.name.id}-${each.key}"
  environment = each.key
  workers     = terraform_data.worker[*].id
}

resource "local_file" "summary" {
  filename = "${path.module}/out/summary.txt"
  content = join("\n", concat(
    ["pet: ${random_pet.name.id}", "suffix: ${random_id.suffix.hex}"],
    [for env, svc in module.service : "${env}: ${svc.endpoint}"],
  ))
}

output "pet_name" {
  value = random_pet.name.id
}

output "worker_ids" {
  value = terraform_data.worker[*].id
}

output "endpoints" {
  value = { for env, svc in module.service : env => svc.endpoint }
}

output "summary_file" {
  value = local_file.summary.filename
}
