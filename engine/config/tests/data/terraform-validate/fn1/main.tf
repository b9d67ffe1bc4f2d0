locals {
  a = lenght([1])
  b = provider::aws::arn_parse("x")
  c = upper("x", "y")
}
