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

# Every user of the organization, read at plan time, as in the single
# for_each: the split costs no request.
data "preo_users" "organization" {
  organization_id = var.organization_id
}

locals {
  phone_numbers = {
    "usr_123" = "+45 20 11 22 33"
  }

  # The ids in 256 buckets, by the first two hex digits of the id's SHA-1.
  # A user's bucket depends on nothing but the id, which never changes, so a
  # user stays at the same address for good, however the organization grows.
  ids_by_bucket = {
    for id in data.preo_users.organization.ids : substr(sha1(id), 0, 2) => id...
  }
}

# One module instance per bucket, each with a for_each of its own: Terraform's
# cost grows with the square of the instances of one resource in one module
# instance, so a few dozen per bucket keep the plan close to linear.
module "members" {
  source   = "./members"
  for_each = local.ids_by_bucket

  ids           = each.value
  phone_numbers = local.phone_numbers
}
