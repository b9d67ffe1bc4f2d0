# A PostgreSQL primary on RDS with its subnet group, parameter group and
# security group, plus N read replicas. Production rules: multi_az, backups,
# deletion_protection and a final snapshot unless skip_final_snapshot.

locals {
  create                    = var.create
  final_snapshot_identifier = var.skip_final_snapshot ? null : coalesce(var.final_snapshot_identifier, "${var.identifier}-final")
}

resource "aws_security_group" "this" {
  count = local.create ? 1 : 0

  name        = "${var.identifier}-postgres"
  description = "PostgreSQL ${var.identifier}: port ${var.port} from the allowed CIDR blocks"
  vpc_id      = var.vpc_id

  ingress {
    description = "PostgreSQL"
    from_port   = var.port
    to_port     = var.port
    protocol    = "tcp"
    cidr_blocks = var.allowed_cidr_blocks
  }

  tags = merge({ Name = "${var.identifier}-postgres" }, var.tags)
}

resource "aws_db_subnet_group" "this" {
  count = local.create ? 1 : 0

  name        = var.identifier
  description = "Subnets of PostgreSQL ${var.identifier}"
  subnet_ids  = var.subnet_ids

  tags = merge({ Name = var.identifier }, var.tags)
}

resource "aws_db_parameter_group" "this" {
  count = local.create ? 1 : 0

  name        = var.identifier
  family      = var.family
  description = "Parameters of PostgreSQL ${var.identifier}"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name         = parameter.value.name
      value        = parameter.value.value
      apply_method = parameter.value.apply_method
    }
  }

  tags = merge({ Name = var.identifier }, var.tags)
}

resource "aws_db_instance" "this" {
  count = local.create ? 1 : 0

  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = var.storage_type
  storage_encrypted     = var.storage_encrypted

  db_name  = var.db_name
  username = var.username
  password = var.password
  port     = var.port

  db_subnet_group_name   = aws_db_subnet_group.this[0].name
  parameter_group_name   = aws_db_parameter_group.this[0].name
  vpc_security_group_ids = concat([aws_security_group.this[0].id], var.vpc_security_group_ids)
  publicly_accessible    = false
  multi_az               = var.multi_az

  backup_retention_period = var.backup_retention_period
  backup_window           = var.backup_window
  maintenance_window      = var.maintenance_window
  copy_tags_to_snapshot   = true

  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = local.final_snapshot_identifier

  tags = merge({ Name = var.identifier, Role = "primary" }, var.tags)
}

resource "aws_db_instance" "replica" {
  count = local.create ? var.replica_count : 0

  identifier          = "${var.identifier}-replica-${count.index + 1}"
  replicate_source_db = aws_db_instance.this[0].identifier
  instance_class      = coalesce(var.replica_instance_class, var.instance_class)

  parameter_group_name   = aws_db_parameter_group.this[0].name
  vpc_security_group_ids = concat([aws_security_group.this[0].id], var.vpc_security_group_ids)
  publicly_accessible    = false
  storage_encrypted      = var.storage_encrypted

  # Replicas leave no final snapshot (the primary owns it). Their backup
  # retention is left to RDS (it is not a CreateDBInstanceReadReplica
  # parameter).
  skip_final_snapshot = true
  deletion_protection = var.deletion_protection

  tags = merge({ Name = "${var.identifier}-replica-${count.index + 1}", Role = "replica" }, var.tags)
}
