# Adopts every active user of one organization and keeps their names in the
# house style: first names in title case, last names in capitals.

terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

# Reads PREO_BASE_URL and PREO_API_TOKEN: the emulator in tests, Preo itself
# in production.
provider "preo" {}

variable "organization_id" {
  type        = string
  description = "The organization whose active users Terraform adopts, such as org_123."

  validation {
    condition     = can(regex("^org_[0-9a-z]+$", var.organization_id))
    error_message = "The organization_id must be a Preo organization id such as org_123."
  }
}

data "preo_users" "organization" {
  organization_id = var.organization_id
}

locals {
  # Keyed by id: an id never changes, an email address can.
  active_users = {
    for user in data.preo_users.organization.users : user.id => user if user.is_active
  }
}

resource "preo_user" "member" {
  for_each = local.active_users

  id         = each.key
  first_name = title(lower(each.value.first_name))
  last_name  = upper(each.value.last_name)
}

output "adopted_ids" {
  description = "The ids of the adopted users, sorted."
  value       = sort(keys(preo_user.member))
}

output "names" {
  description = "Each adopted user's name as Preo holds it after the apply, by id."
  value       = { for id, user in preo_user.member : id => "${user.first_name} ${user.last_name}" }
}
