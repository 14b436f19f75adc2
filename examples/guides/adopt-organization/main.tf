terraform {
  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

variable "organization_id" {
  type        = string
  description = "The organization whose users Terraform adopts, such as org_123."
}

# Every user of the organization, read at plan time.
data "preo_users" "organization" {
  organization_id = var.organization_id
}

locals {
  # The attributes you decide to manage, by user id. Users not listed here
  # are adopted with nothing set: Terraform records them and changes nothing.
  phone_numbers = {
    "usr_123" = "+45 20 11 22 33"
  }
}

# One preo_user per user, keyed by id: an id never changes, an email address
# can (and compares without regard to letter case).
resource "preo_user" "member" {
  for_each = toset(data.preo_users.organization.ids)

  id           = each.key
  phone_number = lookup(local.phone_numbers, each.key, null)
}
