# Runs against the emulator started with ../seed.json: org_acme has three
# active users with untidy names and one inactive user.

variables {
  organization_id = "org_acme"
}

run "plan_adopts_the_active_users_with_tidy_names" {
  command = plan

  assert {
    condition     = toset(keys(preo_user.member)) == toset(["usr_ada", "usr_alan", "usr_grace"])
    error_message = "The plan must adopt exactly the active users of org_acme, not ${jsonencode(keys(preo_user.member))}."
  }

  assert {
    condition     = preo_user.member["usr_grace"].first_name == "Grace" && preo_user.member["usr_grace"].last_name == "HOPPER"
    error_message = "GRACE hopper must be planned as Grace HOPPER, not ${preo_user.member["usr_grace"].first_name} ${preo_user.member["usr_grace"].last_name}."
  }

  assert {
    condition     = preo_user.member["usr_alan"].first_name == "Alan Mathison"
    error_message = "Every word of a first name must be capitalized."
  }
}

run "apply_renames_the_users_in_preo" {
  assert {
    condition     = output.adopted_ids == tolist(["usr_ada", "usr_alan", "usr_grace"])
    error_message = "The apply must adopt the three active users, not ${jsonencode(output.adopted_ids)}."
  }
}

# Reads the users back from Preo through the preo_user data source, in a
# helper module: what the apply sent is what Preo now holds.
run "preo_holds_the_new_names" {
  module {
    source = "./tests/read-back"
  }

  variables {
    ids = run.apply_renames_the_users_in_preo.adopted_ids
  }

  assert {
    condition = output.names == {
      usr_ada   = "Ada LOVELACE"
      usr_alan  = "Alan Mathison TURING"
      usr_grace = "Grace HOPPER"
    }
    error_message = "Preo holds ${jsonencode(output.names)}."
  }
}

run "refuses_an_organization_id_that_is_not_one" {
  command = plan

  variables {
    organization_id = "Acme Inc"
  }

  expect_failures = [var.organization_id]
}
