# Issue 3's network: a VPC across three availability zones with public and
# private subnets, an internet gateway, NAT, route tables and security
# groups; an ALB with an HTTPS listener and target group; a PostgreSQL
# primary with a read replica; a Redis replication group; and an encrypted,
# versioned backup bucket whose objects expire after 7 days.
#
#   terrane init
#   terrane apply -auto-approve                       # real AWS, or:
#   terrane apply -auto-approve -var aws_endpoint=http://127.0.0.1:5000 \
#     -var aws_access_key=testing -var aws_secret_key=testing
#   terrane plan -detailed-exitcode ...               # exits 0: no changes
#   terrane destroy -auto-approve ...

locals {
  azs = [for z in ["a", "b", "c"] : "${var.region}${z}"]

  tags = {
    Environment = var.environment
  }
}

module "network" {
  source = "../../modules/network"

  name            = var.name
  cidr            = var.vpc_cidr
  azs             = local.azs
  public_subnets  = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, i)]
  private_subnets = [for i in range(3) : cidrsubnet(var.vpc_cidr, 8, i + 10)]

  single_nat_gateway = var.single_nat_gateway

  tags = local.tags
}

resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "Application instances: the service port from the load balancer only"
  vpc_id      = module.network.vpc_id

  ingress {
    description     = "From the load balancer"
    from_port       = var.app_port
    to_port         = var.app_port
    protocol        = "tcp"
    security_groups = [module.alb.security_group_id]
  }

  egress {
    description = "Anywhere (through NAT)"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge({ Name = "${var.name}-app" }, local.tags)
}

module "alb" {
  source = "../../modules/alb"

  name               = var.name
  vpc_id             = module.network.vpc_id
  subnets            = module.network.public_subnets
  egress_cidr_blocks = [var.vpc_cidr]
  domain_name        = var.domain_name
  target_port        = var.app_port
  health_check_path  = "/health"

  tags = local.tags
}

module "postgres" {
  source = "../../modules/postgres"

  identifier          = "${var.name}-pg"
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnets
  allowed_cidr_blocks = module.network.private_subnets_cidr_blocks

  db_name  = "app"
  username = "app"
  password = var.db_password

  multi_az            = true
  replica_count       = 1
  deletion_protection = var.deletion_protection
  skip_final_snapshot = var.skip_final_snapshot

  tags = local.tags
}

module "redis" {
  source = "../../modules/redis"

  name                = "${var.name}-redis"
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnets
  allowed_cidr_blocks = module.network.private_subnets_cidr_blocks

  replicas_per_node_group = 1
  create_parameter_group  = var.redis_create_parameter_group
  timeouts                = { delete = var.redis_delete_timeout }

  tags = local.tags
}

module "backups" {
  source = "../../modules/backups-bucket"

  bucket             = "${var.name}-backups-${var.environment}"
  force_destroy      = var.backups_force_destroy
  versioning_enabled = var.backups_versioning
  expiration_days    = 7

  tags = local.tags
}
