# Import a user by its resource identity (Terraform 1.12 and later, OpenTofu
# 1.12 and later): the identity holds the user's id.
import {
  to = preo_user.billing
  identity = {
    id = "usr_456"
  }
}

resource "preo_user" "billing" {
  first_name = "Billing"
  last_name  = "Desk"
}
