output "vpc_id" {
  description = "ID of the VPC."
  value       = try(aws_vpc.this[0].id, null)
}

output "vpc_arn" {
  description = "ARN of the VPC."
  value       = try(aws_vpc.this[0].arn, null)
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = try(aws_vpc.this[0].cidr_block, null)
}

output "default_security_group_id" {
  description = "ID of the VPC's default security group (locked down when managed)."
  value       = try(aws_vpc.this[0].default_security_group_id, null)
}

output "public_subnets" {
  description = "IDs of the public subnets, in availability zone order."
  value       = aws_subnet.public[*].id
}

output "private_subnets" {
  description = "IDs of the private subnets, in availability zone order."
  value       = aws_subnet.private[*].id
}

output "public_subnets_cidr_blocks" {
  description = "CIDR blocks of the public subnets."
  value       = aws_subnet.public[*].cidr_block
}

output "private_subnets_cidr_blocks" {
  description = "CIDR blocks of the private subnets."
  value       = aws_subnet.private[*].cidr_block
}

output "igw_id" {
  description = "ID of the internet gateway."
  value       = try(aws_internet_gateway.this[0].id, null)
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways."
  value       = aws_nat_gateway.this[*].id
}

output "nat_public_ips" {
  description = "Public IP addresses of the NAT gateways."
  value       = aws_eip.nat[*].public_ip
}

output "public_route_table_ids" {
  description = "IDs of the public route tables."
  value       = aws_route_table.public[*].id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables."
  value       = aws_route_table.private[*].id
}
