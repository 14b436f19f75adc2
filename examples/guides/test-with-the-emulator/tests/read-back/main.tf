# A helper module for the tests: reads users back from Preo with the
# preo_user data source, to check what an apply left there.

terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

variable "ids" {
  type        = list(string)
  description = "The users to read."
}

data "preo_user" "read" {
  for_each = toset(var.ids)

  id = each.key
}

output "names" {
  description = "Each user's name as Preo holds it, by id."
  value       = { for id, user in data.preo_user.read : id => "${user.first_name} ${user.last_name}" }
}
