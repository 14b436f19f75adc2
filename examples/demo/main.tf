# The configuration `make demo` runs against the emulator's demo users. It
# works against any Preo API that has these users: point PREO_BASE_URL and
# PREO_API_TOKEN at it, or set the variables below.

terraform {
  required_version = ">= 1.5"

  required_providers {
    preo = {
      source = "preo/preo"
    }
  }
}

variable "preo_base_url" {
  description = "The Preo API to use. Null means the PREO_BASE_URL environment variable, then https://api.preo.dev."
  type        = string
  default     = null
}

variable "preo_api_token" {
  description = "The Preo API token. Null means the PREO_API_TOKEN environment variable."
  type        = string
  default     = null
  sensitive   = true
}

provider "preo" {
  base_url  = var.preo_base_url
  api_token = var.preo_api_token
}

# Look a user up by email address (letter case would not matter).
data "preo_user" "carla" {
  email = "carla@example.org"
}

# Remember the user as Terraform first found it: ignore_changes keeps this
# snapshot when the data source later reads the new name.
resource "terraform_data" "carla_before" {
  input = format(
    "%s %s <%s>, phone %q",
    data.preo_user.carla.first_name,
    data.preo_user.carla.last_name,
    data.preo_user.carla.email,
    data.preo_user.carla.phone_number,
  )

  lifecycle {
    ignore_changes = [input]
  }
}

# Adopt the user by id and rename it. Preo's API cannot create users, so this
# takes over one that exists; the email address, left out here, stays as it is.
resource "preo_user" "carla" {
  id = "usr_0003"

  first_name   = "Carlotta"
  last_name    = "Holm"
  phone_number = "+45 31 41 59 26"
}

# Everyone in the spring edition, most recently seen first, then by email.
# depends_on makes Terraform read the list after the rename above.
data "preo_users" "spring" {
  edition_id = "edt_spring24"
  ordering   = ["-last_seen", "email"]

  depends_on = [preo_user.carla]
}

output "users_found" {
  description = "The users of the spring edition, most recently seen first."
  value = [
    for user in data.preo_users.spring.users :
    "${user.first_name} ${user.last_name} <${user.email}>"
  ]
}

output "found_by_email" {
  description = "The id of the user looked up by email address."
  value       = data.preo_user.carla.id
}

output "adopted_user_id" {
  value = preo_user.carla.id
}

output "adopted_user_before" {
  description = "The adopted user before Terraform renamed it."
  value       = terraform_data.carla_before.output
}

output "adopted_user_after" {
  description = "The adopted user as Preo has it now."
  value = format(
    "%s %s <%s>, phone %q",
    preo_user.carla.first_name,
    preo_user.carla.last_name,
    preo_user.carla.email,
    preo_user.carla.phone_number,
  )
}
