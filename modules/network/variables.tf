variable "create" {
  description = "Whether to create any resources."
  type        = bool
  default     = true
}

variable "name" {
  description = "Name used for the VPC and as a prefix of every other resource's Name tag."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.0.0.0/16"
}

variable "azs" {
  description = "Availability zones to spread the subnets over (subnet i goes to zone i)."
  type        = list(string)
}

variable "public_subnets" {
  description = "CIDR blocks of the public subnets, one per availability zone."
  type        = list(string)
  default     = []
}

variable "private_subnets" {
  description = "CIDR blocks of the private subnets, one per availability zone."
  type        = list(string)
  default     = []
}

variable "enable_dns_hostnames" {
  description = "Whether instances in the VPC get public DNS hostnames."
  type        = bool
  default     = true
}

variable "enable_dns_support" {
  description = "Whether the VPC resolves DNS through the Amazon-provided server."
  type        = bool
  default     = true
}

variable "map_public_ip_on_launch" {
  description = "Whether instances launched in the public subnets get a public IP address."
  type        = bool
  default     = false
}

variable "enable_nat_gateway" {
  description = "Whether the private subnets reach the internet through NAT gateways."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (true) or one per availability zone (false)."
  type        = bool
  default     = false
}

variable "manage_default_security_group" {
  description = "Whether to adopt the VPC's default security group and strip all of its rules."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "vpc_tags" {
  description = "Extra tags for the VPC."
  type        = map(string)
  default     = {}
}

variable "public_subnet_tags" {
  description = "Extra tags for the public subnets."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags for the private subnets."
  type        = map(string)
  default     = {}
}
