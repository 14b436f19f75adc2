#!/usr/bin/env bash
# Times no-change plans of many managed users, as CI runs them every day,
# against an emulator that allows 10 requests per second and serves 50 users
# a page, in a tenant of 4,000 users, with the provider's default settings:
#
#   guide   the adoption guide's pattern: a preo_users data source for one
#           organization of 1,000 users and a for_each over its ids; and the
#           same for_each over terraform_data, which is Terraform's own cost
#   by-id   1,000 users written out by id, one block each, no data source
#
# and prints, for each plan, the requests Preo received (429s included) and
# the wall time. Then, without a rate limit, it reports the provider's peak
# memory (VmHWM, Linux only) in a plan of 5,000 users by id in a tenant of
# 20,000.
#
# The users are adopted first against an emulator without a rate limit
# (adoption changes nothing, so no PATCH is sent); the emulator is then
# started again from the same seed file, rate limited, for the timed plan.
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/bench-plans.sh
# (`make bench-ratelimit`; ENGINE=tofu for OpenTofu).
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

rate=10
page_size=50
token=bench-token

fail() {
	printf 'bench-plans failed: %s\n' "$*" >&2
	exit 1
}

terraform_bin=$(engine_bin "'make bench-ratelimit'") || exit 1

emulator_workdir

echo "Building the provider and the emulator"
build_local_provider "$tmp"
build_emulator "$tmp"
export TF_INPUT=0
unset TF_LOG TF_LOG_PROVIDER TF_LOG_CORE TF_LOG_PATH

# seed N ORG_USERS writes a seed file of N users, the first ORG_USERS of
# them in the organization org_big and the others in org_rest.
seed() {
	awk -v n="$1" -v big="$2" 'BEGIN {
		printf "["
		for (i = 1; i <= n; i++) {
			printf "%s{\"id\":\"usr_%05d\",\"email\":\"user%d@example.com\",\"first_name\":\"User\",\"last_name\":\"Number %d\",", (i > 1 ? ",\n" : ""), i, i, i
			printf "\"is_active\":true,\"date_joined\":\"2024-01-01T00:00:00Z\",\"organization_id\":\"%s\"}", (i <= big ? "org_big" : "org_rest")
		}
		print "]"
	}' >"$tmp/seed.json"
	seed_args=(-seed-file "$tmp/seed.json")
}

# start [FLAG...] (re)starts the emulator on the users of seed_args, and
# points the configuration in $work at it.
start() {
	stop_emulator
	start_emulator "$tmp/preo-emulator" "$tmp" -token "$token" "${seed_args[@]}" -page-size "$page_size" "$@" ||
		fail "the emulator did not start"
	cat >"$work/provider.tf" <<HCL
terraform {
  required_providers {
    preo = { source = "preo/preo" }
  }
}
provider "preo" {
  base_url  = "$base_url"
  api_token = "$token"
}
HCL
}

# cli ARGS... runs the CLI in $work, its output in $work/cli.log.
cli() {
	(cd "$work" && TF_DATA_DIR="$work/.terraform" "$terraform_bin" "$@" -no-color >"$work/cli.log" 2>&1) ||
		fail "$* failed: $(tail -n 20 "$work/cli.log")"
}

# timed_plan LABEL times one plan that must change nothing, and reports the
# requests Preo received during it.
timed_plan() {
	local start end sent refused
	sent=$(received)
	refused=$(throttled)
	start=$(date +%s%N)
	cli plan -detailed-exitcode -compact-warnings
	end=$(date +%s%N)
	sent=$(($(received) - sent))
	refused=$(($(throttled) - refused))
	printf '%-44s %5d requests (%d answered 429), %6.1f s\n' "$1" "$sent" "$refused" "$(((end - start) / 1000000))e-3"
}

# scenario NAME HCL adopts what HCL manages, then times a no-change plan of it
# against the rate-limited emulator.
scenario() {
	work="$tmp/$1"
	mkdir -p "$work"
	printf '%s\n' "$2" >"$work/main.tf"
	start
	cli apply -auto-approve -compact-warnings
	start -rate-limit "$rate"
	timed_plan "$1"
}

echo "No-change plans with $(basename "$terraform_bin") at $rate requests per second, $page_size users a page, 4,000 users"
seed 4000 1000
scenario "guide pattern, 1,000 users" '
data "preo_users" "organization" {
  organization_id = "org_big"
}
resource "preo_user" "member" {
  for_each = toset(data.preo_users.organization.ids)
  id       = each.key
}'

blocks=$(for i in $(seq 1000); do printf 'resource "preo_user" "u%05d" {\n  id = "usr_%05d"\n}\n' "$i" "$i"; done)
scenario "1,000 users by id" "$blocks"

work="$tmp/terraform_data"
mkdir -p "$work"
cat >"$work/main.tf" <<'HCL'
resource "terraform_data" "member" {
  for_each = toset([for i in range(1000) : format("usr_%05d", i + 1)])
  input    = each.key
}
HCL
(cd "$work" && TF_DATA_DIR="$work/.terraform" "$terraform_bin" init -no-color >"$work/cli.log" 2>&1) || fail "init: $(tail -n 20 "$work/cli.log")"
cli apply -auto-approve
timed_plan "the same for_each of terraform_data"

if [[ ! -r /proc/self/status ]]; then
	echo "Peak memory: needs /proc (Linux); not measured"
	exit 0
fi
echo "Peak memory of the provider in a plan of 5,000 users by id in a tenant of 20,000, no rate limit"
# Generated users (usr_0001 to usr_20000): a seed file of 20,000 takes the
# emulator longer to check than start_emulator waits.
seed_args=(-users 20000)
# The CLI starts the provider through this wrapper, which reads the
# provider's high-water mark of resident memory while it runs.
mv "$tmp/bin/terraform-provider-preo" "$tmp/provider.real"
cat >"$tmp/bin/terraform-provider-preo" <<WRAPPER
#!/usr/bin/env bash
"$tmp/provider.real" "\$@" &
pid=\$!
peak=0
while kill -0 "\$pid" 2>/dev/null; do
	now=\$(awk '/^VmHWM:/ { print \$2 }' "/proc/\$pid/status" 2>/dev/null || true)
	[[ -n \$now ]] && peak=\$now
	sleep 0.1
done
wait "\$pid"
status=\$?
echo "\$peak" >>"$tmp/peaks"
exit "\$status"
WRAPPER
chmod +x "$tmp/bin/terraform-provider-preo"
work="$tmp/memory"
mkdir -p "$work"
for i in $(seq 5000); do printf 'resource "preo_user" "u%05d" {\n  id = "usr_%04d"\n}\n' "$i" "$i"; done >"$work/main.tf"
# Adopting 5,000 users takes Terraform itself many minutes, so the state is
# written as an import would leave it (the id alone): the plan's refresh
# reads every user, as any plan does.
awk 'BEGIN {
	printf "{\"version\":4,\"terraform_version\":\"1.5.7\",\"serial\":1,\"lineage\":\"bench-plans\",\"outputs\":{},\"resources\":["
	for (i = 1; i <= 5000; i++) {
		printf "%s{\"mode\":\"managed\",\"type\":\"preo_user\",\"name\":\"u%05d\",\"provider\":\"provider[\\\"registry.terraform.io/preo/preo\\\"]\",", (i > 1 ? "," : ""), i
		printf "\"instances\":[{\"schema_version\":0,\"attributes\":{\"id\":\"usr_%04d\"}}]}", i
	}
	print "]}"
}' >"$work/terraform.tfstate"
start
: >"$tmp/peaks"
sent=$(received)
start_ns=$(date +%s%N)
cli plan -compact-warnings
end_ns=$(date +%s%N)
printf 'plan of 5,000 users: %d requests, %.1f s, provider peak %d MiB\n' "$(($(received) - sent))" "$(((end_ns - start_ns) / 1000000))e-3" "$(($(sort -n "$tmp/peaks" | tail -n 1) / 1024))"
