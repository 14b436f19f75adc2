#!/usr/bin/env bash
# Adopts 200 users, then renames them, each with one `terraform apply` and
# the provider's default settings, against an emulator that allows 10
# requests per second. For each apply it prints the requests Preo received
# and those it answered 429, per user and beyond the necessary, and the wall
# time as a multiple of the ideal (the necessary requests at 10 per second).
#
# The necessary requests are those of the table "Requests per operation" in
# DESIGN.md: an adoption reads the user while planning, reads it again when
# Terraform plans it once more during the apply, and sends one PATCH (3); a
# rename reads the user while refreshing and sends one PATCH (2).
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/bench-ratelimit.sh
# (`make bench-ratelimit`; ENGINE=tofu for OpenTofu).
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

users=200
rate=10
token=bench-token

fail() {
	printf 'bench-ratelimit failed: %s\n' "$*" >&2
	exit 1
}

terraform_bin=$(engine_bin "'make bench-ratelimit'") || exit 1

emulator_workdir

echo "Building the provider and the emulator"
build_local_provider "$tmp"
build_emulator "$tmp"
export TF_INPUT=0
unset TF_LOG TF_LOG_PROVIDER TF_LOG_CORE TF_LOG_PATH

echo "Starting the emulator: $users users, at most $rate requests per second"
start_emulator "$tmp/preo-emulator" "$tmp" -token "$token" -users "$users" -rate-limit "$rate" ||
	fail "the emulator did not start"

# configure NAME writes a configuration that manages every user with
# first_name "NAME <n>".
configure() {
	cat >"$tmp/main.tf" <<HCL
terraform {
  required_providers {
    preo = { source = "preo/preo" }
  }
}
provider "preo" {
  base_url  = "$base_url"
  api_token = "$token"
}
resource "preo_user" "managed" {
  count      = $users
  id         = format("usr_%04d", count.index + 1)
  first_name = "$1 \${count.index + 1}"
}
HCL
}

# apply LABEL NECESSARY_PER_USER runs one apply and reports it.
apply() {
	local label=$1 necessary=$(($2 * users)) start end received_before throttled_before sent refused
	received_before=$(received)
	throttled_before=$(throttled)
	start=$(date +%s%N)
	(cd "$tmp" && TF_DATA_DIR="$tmp/.terraform" "$terraform_bin" apply -auto-approve -compact-warnings -no-color \
		>"$tmp/apply.log" 2>&1) || fail "$label failed: $(tail -n 20 "$tmp/apply.log")"
	end=$(date +%s%N)
	refused=$(($(throttled) - throttled_before))
	sent=$(($(received) - received_before))
	awk -v label="$label" -v sent="$sent" -v refused="$refused" -v necessary="$necessary" -v users="$users" \
		-v ms="$(((end - start) / 1000000))" -v rate="$rate" 'BEGIN {
		ideal = necessary / rate
		printf "%-9s %5d requests, %.2f per user (necessary %d, %.0f per user), %d beyond the necessary (%d answered 429); %.1f s, %.2f x ideal (%.0f s)\n",
			label, sent, sent / users, necessary, necessary / users, sent - necessary, refused, ms / 1000, ms / 1000 / ideal, ideal
	}'
}

echo "Applying with $(basename "$terraform_bin"), default settings"
configure Adopted
apply adoption 3
configure Renamed
apply rename 2
