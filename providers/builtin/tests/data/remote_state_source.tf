output "s" { value = "hello" }
output "n" { value = 42 }
output "l" { value = ["a", "b"] }
output "o" { value = { name = "x", count = 2, tags = tomap({ k = "v" }) } }
output "secret" {
  value     = "pw"
  sensitive = true
}
output "set" { value = toset(["z", "y"]) }
