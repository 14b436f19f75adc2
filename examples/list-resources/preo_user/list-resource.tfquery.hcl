# Every active member of one organization, ordered by email address.
# Run with `terraform query`, or `terraform query -generate-config-out=users.tf`
# to write an import block and a resource block for each user found.
list "preo_user" "north" {
  provider         = preo
  include_resource = true
  limit            = 500

  config {
    organization_id = "org_north"
    ordering        = ["email"]
  }
}
