# Import a user by id into the resource configured in resource.tf.
import {
  to = preo_user.example
  id = "usr_123"
}

# Import a user by email address. The configuration needs no id: it comes
# from the import. Leave the resource block out and run
# `terraform plan -generate-config-out=generated.tf` to have it written.
import {
  to = preo_user.support
  id = "support@example.com"
}

resource "preo_user" "support" {
  first_name = "Support"
  last_name  = "Desk"
}
