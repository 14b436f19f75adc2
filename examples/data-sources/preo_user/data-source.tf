# Look a user up by id.
data "preo_user" "by_id" {
  id = "usr_123"
}

# Or by email address, ignoring letter case. Exactly one user must have it;
# edition_id and organization_id narrow the search.
data "preo_user" "by_email" {
  email           = "ada@example.com"
  organization_id = "org_123"
}

output "ada" {
  value = {
    name     = "${data.preo_user.by_email.first_name} ${data.preo_user.by_email.last_name}"
    phone    = data.preo_user.by_email.phone_number
    verified = data.preo_user.by_email.is_verified
    metadata = try(jsondecode(data.preo_user.by_email.metadata), null)
  }
}
