output "db_instance_identifier" {
  description = "Identifier of the primary instance."
  value       = try(aws_db_instance.this[0].identifier, null)
}

output "db_instance_arn" {
  description = "ARN of the primary instance."
  value       = try(aws_db_instance.this[0].arn, null)
}

output "db_instance_address" {
  description = "Host name of the primary instance."
  value       = try(aws_db_instance.this[0].address, null)
}

output "db_instance_endpoint" {
  description = "host:port of the primary instance."
  value       = try(aws_db_instance.this[0].endpoint, null)
}

output "db_instance_port" {
  description = "Port of the primary instance."
  value       = try(aws_db_instance.this[0].port, null)
}

output "replica_identifiers" {
  description = "Identifiers of the read replicas."
  value       = aws_db_instance.replica[*].identifier
}

output "replica_addresses" {
  description = "Host names of the read replicas."
  value       = aws_db_instance.replica[*].address
}

output "db_subnet_group_name" {
  description = "Name of the DB subnet group."
  value       = try(aws_db_subnet_group.this[0].name, null)
}

output "db_parameter_group_name" {
  description = "Name of the DB parameter group."
  value       = try(aws_db_parameter_group.this[0].name, null)
}

output "security_group_id" {
  description = "ID of the database's security group."
  value       = try(aws_security_group.this[0].id, null)
}
