#!/usr/bin/env bash
# Times `terraform plan` end to end against the emulator with added latency,
# and prints how far the provider is from the floor the network sets:
#
#   listing  a preo_users data source over 20,000 users (pages of 100), against
#            a plan of the same configuration without it; floor: every page
#            fetched one after another.
#   adopted  300 adopted preo_user resources, nothing to change, against 300
#            terraform_data; floor: one read per resource, 10 at a time (the
#            parallelism of Terraform and of the provider configured here).
#
# It also reports the provider's CPU time and peak memory, taken from the
# provider processes Terraform starts (through GNU time, when installed).
# Each plan runs BENCH_RUNS times (default 5) and the medians count.
#
# Everything happens in a temporary directory, as in scripts/demo.sh; set
# BENCH_KEEP=1 to keep it (configurations, plan logs, per-process figures).
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/bench-e2e.sh (`make bench-e2e`);
# ENGINE_BIN may name OpenTofu's tofu instead (`make bench-e2e ENGINE=tofu`).
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-5}
latency_ms=${BENCH_LATENCY_MS:-20}
users=20000
page_size=100
resources=300
parallelism=10
token=bench-token

fail() {
	printf 'bench-e2e failed: %s\n' "$*" >&2
	exit 1
}

terraform_bin=$(engine_bin "'make bench-e2e'") || exit 1

tmp=$(mktemp -d)
cleanup() {
	stop_emulator
	if [[ -n ${BENCH_KEEP:-} ]]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "Building the provider and the emulator"
(cd "$repo" && go build -o "$tmp/provider/terraform-provider-preo" .)
build_emulator "$tmp"

# Terraform starts the provider through this wrapper, which records each
# process's elapsed time, CPU time and peak resident memory.
mkdir -p "$tmp/bin"
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e' -o /dev/null true 2>/dev/null; then
	measured=1
	cat >"$tmp/bin/terraform-provider-preo" <<EOF
#!/bin/sh
exec /usr/bin/time -f '%e %U %S %M' -a -o "\${BENCH_PROVIDER_STATS:-/dev/null}" "$tmp/provider/terraform-provider-preo" "\$@"
EOF
else
	measured=0
	echo "GNU time is not installed at /usr/bin/time: provider CPU and memory are not measured"
	cat >"$tmp/bin/terraform-provider-preo" <<EOF
#!/bin/sh
exec "$tmp/provider/terraform-provider-preo" "\$@"
EOF
fi
chmod +x "$tmp/bin/terraform-provider-preo"
use_local_provider "$tmp"
export TF_INPUT=0
unset TF_LOG TF_LOG_PROVIDER TF_LOG_CORE TF_LOG_PATH

echo "Starting the emulator: $users users, pages of $page_size, ${latency_ms} ms per request"
start_emulator "$tmp/preo-emulator" "$tmp" -token "$token" -users "$users" -page-size "$page_size" \
	-latency "${latency_ms}ms" || fail "the emulator did not start"

provider_block="terraform {
  required_providers {
    preo = { source = \"preo/preo\" }
  }
}
provider \"preo\" {
  base_url                = \"$base_url\"
  api_token               = \"$token\"
  max_concurrent_requests = $parallelism
}"

# configure NAME HCL writes a configuration directory.
configure() {
	mkdir -p "$tmp/$1"
	printf '%s\n' "$2" >"$tmp/$1/main.tf"
}

configure empty "$provider_block"
configure listing "$provider_block
data \"preo_users\" \"all\" {}
output \"listed\" {
  value = length(data.preo_users.all.ids)
}"
configure adopted "$provider_block
resource \"preo_user\" \"adopted\" {
  count = $resources
  id    = format(\"usr_%04d\", count.index + 1)
}"
configure terraform_data "resource \"terraform_data\" \"baseline\" {
  count = $resources
  input = count.index
}"

tf() {
	local dir=$1
	shift
	(cd "$tmp/$dir" && TF_DATA_DIR="$tmp/$dir/.terraform" "$terraform_bin" "$@" -no-color)
}

echo "Adopting $resources users and creating $resources terraform_data"
tf adopted apply -auto-approve -compact-warnings -parallelism="$parallelism" >"$tmp/apply.log" 2>&1 ||
	fail "apply of the adopted users failed: $(tail -n 20 "$tmp/apply.log")"
tf terraform_data apply -auto-approve -compact-warnings >"$tmp/apply.log" 2>&1 ||
	fail "apply of terraform_data failed: $(tail -n 20 "$tmp/apply.log")"

# plan_times DIR runs the plan BENCH_RUNS times and writes to DIR.median the
# median of each measure: the plan's milliseconds, the CPU milliseconds of
# the provider process that served the plan, and its peak KiB. Terraform
# starts the provider more than once for a plan (for its schema, to validate,
# to plan); the busiest of those processes is the one that did the work.
plan_times() {
	local dir=$1 run start end stats status
	: >"$tmp/$dir.runs"
	for run in $(seq "$runs"); do
		stats="$tmp/$dir.stats.$run"
		: >"$stats"
		start=$(date +%s%N)
		status=0
		BENCH_PROVIDER_STATS=$stats tf "$dir" plan -detailed-exitcode -compact-warnings \
			-parallelism="$parallelism" >"$tmp/plan.log" 2>&1 || status=$?
		end=$(date +%s%N)
		# 2 means changes: the listing's output is new in every plan. Anywhere
		# else, a change means the provider did not converge.
		if [[ $status != 0 && ! ($status == 2 && $dir == listing) ]]; then
			fail "plan in $dir exited $status: $(tail -n 20 "$tmp/plan.log")"
		fi
		echo "$(((end - start) / 1000000)) $(awk '
			{ cpu = ($2 + $3) * 1000; if (cpu > busiest) { busiest = cpu; rss = $4 } }
			END { printf "%d %d", busiest, rss }' "$stats")" >>"$tmp/$dir.runs"
	done
	for column in 1 2 3; do
		sort -n -k "$column,$column" "$tmp/$dir.runs" | awk -v n="$runs" -v c="$column" 'NR == int((n + 1) / 2) { print $c }'
	done | paste -s -d ' ' >"$tmp/$dir.median"
}

echo "Planning, $runs times each"
for dir in empty listing adopted terraform_data; do
	plan_times "$dir"
done
read -r empty_ms empty_cpu empty_rss <"$tmp/empty.median"
read -r listing_ms listing_cpu listing_rss <"$tmp/listing.median"
read -r adopted_ms adopted_cpu _ <"$tmp/adopted.median"
read -r data_ms _ _ <"$tmp/terraform_data.median"

pages=$(((users + page_size - 1) / page_size))
listing_floor=$((pages * latency_ms))
adopted_floor=$((resources / parallelism * latency_ms))

awk -v empty="$empty_ms" -v listing="$listing_ms" -v adopted="$adopted_ms" -v data="$data_ms" \
	-v listing_floor="$listing_floor" -v adopted_floor="$adopted_floor" -v pages="$pages" \
	-v users="$users" -v resources="$resources" -v latency="$latency_ms" -v measured="$measured" \
	-v cli="$(basename "$terraform_bin")" -v empty_cpu="$empty_cpu" -v listing_cpu="$listing_cpu" -v adopted_cpu="$adopted_cpu" \
	-v empty_rss="$empty_rss" -v listing_rss="$listing_rss" '
function verdict(ok) { return ok ? "ok" : "MISSED" }
BEGIN {
	printf "\n%s plan, median of the runs (ms):\n", cli
	printf "  empty configuration           %7d\n", empty
	printf "  %d-user listing            %7d\n", users, listing
	printf "  %d adopted preo_user         %7d\n", resources, adopted
	printf "  %d terraform_data            %7d\n", resources, data

	r = (listing - empty) / listing_floor
	printf "\nlisting: %d ms beyond the empty plan; floor %d pages x %d ms = %d ms; ratio %.2f (target <= 1.5) %s\n",
		listing - empty, pages, latency, listing_floor, r, verdict(r <= 1.5)
	r = (adopted - data) / adopted_floor
	printf "adopted: %d ms beyond terraform_data; floor %d / 10 x %d ms = %d ms; ratio %.2f (target <= 1.3) %s\n",
		adopted - data, resources, latency, adopted_floor, r, verdict(r <= 1.3)

	if (measured) {
		printf "\nthe provider process that served the plan (CPU is user + system time):\n"
		cpu = (listing_cpu - empty_cpu) / 1000
		printf "  listing: CPU %.2f s beyond the empty plan (target <= 1.0 s) %s\n", cpu, verdict(cpu <= 1.0)
		printf "  listing: peak memory %.1f MiB, %.1f KiB per user (target <= 8 KiB) %s; %.1f KiB per user beyond the empty plan (%.1f MiB)\n",
			listing_rss / 1024, listing_rss / users, verdict(listing_rss / users <= 8), (listing_rss - empty_rss) / users, empty_rss / 1024
		cpu = (adopted_cpu - empty_cpu) / resources
		printf "  adopted: CPU %.2f ms per resource for refresh and plan (target <= 1.5 ms) %s\n", cpu, verdict(cpu <= 1.5)
	}
}'
