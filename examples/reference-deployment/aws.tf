# The reference deployment: AWS holds the network, the load balancer,
# PostgreSQL with read replicas, Redis and the backups bucket; Kubernetes
# runs the frontend and backend (wired to the databases through a Secret)
# and Prometheus in a monitoring namespace.
#
#   terrane init
#   terrane apply -auto-approve -var kubeconfig=$KUBECONFIG
#   terrane plan -detailed-exitcode -var kubeconfig=$KUBECONFIG   # exits 0
#   terrane destroy -auto-approve -var kubeconfig=$KUBECONFIG

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

  single_nat_gateway = true

  tags = local.tags
}

module "alb" {
  source = "../../modules/alb"

  name               = var.name
  vpc_id             = module.network.vpc_id
  subnets            = module.network.public_subnets
  egress_cidr_blocks = [var.vpc_cidr]
  domain_name        = var.hostname
  target_port        = 8080
  health_check_path  = "/"

  tags = local.tags
}

module "postgres" {
  source = "../../modules/postgres"

  identifier          = "${var.name}-pg"
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnets
  allowed_cidr_blocks = module.network.private_subnets_cidr_blocks

  db_name  = var.name
  username = var.name
  password = var.db_password

  multi_az            = true
  replica_count       = var.postgres_replicas
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
  force_destroy      = true
  versioning_enabled = var.backups_versioning
  expiration_days    = 7

  tags = local.tags
}
