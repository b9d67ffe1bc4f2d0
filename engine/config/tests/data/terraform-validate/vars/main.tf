variable "a" {
  type = map(string)
  default = { x = "1", y = { z = 1 } }
}
variable "b" {
  type = number
  validation {
    condition     = var.b > var.c
    error_message = "b must exceed c"
  }
}
variable "c" {
  type    = number
  default = 1
}
variable "d" {
  type    = tuple([string, number])
  default = ["a", "b"]
}
variable "e" {
  type    = set(string)
  default = ["a", "a"]
}
variable "f" {
  type = object({ a = string, b = optional(number, 5) })
  default = { b = 1 }
}
variable "g" {
  type = list(string)
  default = null
  nullable = false
}
