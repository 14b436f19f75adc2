# Users of one organization whose name, email address or phone number
# contains "smith", most recently seen first, then by email address.
data "preo_users" "smiths" {
  organization_id = "org_123"
  search          = "smith"
  ordering        = ["-last_seen", "email"]
  max_results     = 50
}

output "smith_count" {
  description = "How many users match, even beyond max_results."
  value       = data.preo_users.smiths.total_count
}

output "smith_ids" {
  value = data.preo_users.smiths.ids
}

output "smith_contacts" {
  value = [
    for user in data.preo_users.smiths.users :
    "${user.first_name} ${user.last_name} <${user.email}>"
  ]
}

# Every user of an edition, in the API's order.
data "preo_users" "edition" {
  edition_id = "edt_123"
}
