# Preo's API cannot create users: this adopts the existing user usr_123 and
# makes its names, email address and phone number match the configuration.
# Only attributes that differ are changed; attributes left out stay as they
# are in Preo. Destroying the resource leaves the user in Preo.
resource "preo_user" "example" {
  id = "usr_123"

  first_name   = "Ada"
  last_name    = "Lovelace"
  email        = "ada@example.com"
  phone_number = "+4512345678" # "" clears the phone number
}

output "ada_last_seen" {
  value = preo_user.example.last_seen
}
