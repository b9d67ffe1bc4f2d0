# A Redis replication group on ElastiCache: subnet group, security group, an
# optional parameter group, and a primary with replicas, automatic failover,
# multi-AZ and at-rest/in-transit encryption.

locals {
  create               = var.create
  parameter_group_name = var.create_parameter_group ? try(aws_elasticache_parameter_group.this[0].name, null) : coalesce(var.parameter_group_name, "default.${var.family}")
  # Failover needs at least one replica.
  automatic_failover = var.automatic_failover_enabled && var.replicas_per_node_group > 0
}

resource "aws_security_group" "this" {
  count = local.create ? 1 : 0

  name        = "${var.name}-redis"
  description = "Redis ${var.name}: port ${var.port} from the allowed CIDR blocks"
  vpc_id      = var.vpc_id

  ingress {
    description = "Redis"
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidr_blocks
  }

  tags = merge({ Name = "${var.name}-redis" }, var.tags)
}

resource "aws_elasticache_subnet_group" "this" {
  count = local.create ? 1 : 0

  name        = var.name
  description = "Subnets of Redis ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = merge({ Name = var.name }, var.tags)
}

resource "aws_elasticache_parameter_group" "this" {
  count = local.create && var.create_parameter_group ? 1 : 0

  name        = var.name
  family      = var.family
  description = "Parameters of Redis ${var.name}"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.value.name
      value = parameter.value.value
    }
  }

  tags = merge({ Name = var.name }, var.tags)
}

resource "aws_elasticache_replication_group" "this" {
  count = local.create ? 1 : 0

  replication_group_id = var.name
  description          = coalesce(var.description, "Redis ${var.name}")
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = var.port

  num_node_groups         = 1
  replicas_per_node_group = var.replicas_per_node_group

  automatic_failover_enabled = local.automatic_failover
  multi_az_enabled           = local.automatic_failover && var.multi_az_enabled

  subnet_group_name    = aws_elasticache_subnet_group.this[0].name
  security_group_ids   = concat([aws_security_group.this[0].id], var.security_group_ids)
  parameter_group_name = local.parameter_group_name

  at_rest_encryption_enabled = var.at_rest_encryption_enabled
  transit_encryption_enabled = var.transit_encryption_enabled

  snapshot_retention_limit = var.snapshot_retention_limit
  apply_immediately        = var.apply_immediately

  tags = merge({ Name = var.name }, var.tags)

  timeouts {
    create = var.timeouts.create
    update = var.timeouts.update
    delete = var.timeouts.delete
  }
}
