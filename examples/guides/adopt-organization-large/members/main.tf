terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

variable "ids" {
  type        = list(string)
  description = "The ids of the users in this bucket."
}

variable "phone_numbers" {
  type        = map(string)
  description = "Phone numbers to set, by user id; users not listed are adopted with nothing set."
}

# The same resource as in the single for_each, keyed by id.
resource "preo_user" "member" {
  for_each = toset(var.ids)

  id           = each.key
  phone_number = lookup(var.phone_numbers, each.key, null)
}
