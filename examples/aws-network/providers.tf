# With aws_endpoint = null this is an ordinary AWS provider using the standard
# credential chain. With an endpoint (moto, LocalStack) every service goes
# there, S3 uses path-style addressing and the account/metadata checks that
# an emulator cannot answer are skipped.

locals {
  emulated = var.aws_endpoint != null
}

provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key

  s3_use_path_style           = local.emulated
  skip_credentials_validation = local.emulated
  skip_requesting_account_id  = local.emulated
  skip_metadata_api_check     = local.emulated

  endpoints {
    ec2         = var.aws_endpoint
    elbv2       = var.aws_endpoint
    rds         = var.aws_endpoint
    elasticache = var.aws_endpoint
    s3          = var.aws_endpoint
    sts         = var.aws_endpoint
    acm         = var.aws_endpoint
  }

  default_tags {
    tags = {
      Project   = var.name
      ManagedBy = "terrane"
    }
  }
}
