#!/usr/bin/env bash
# Times no-change plans of the layouts that the guide "Adopt every user of an
# organization" compares, for 1,000 and 5,000 users (BENCH_SIZES):
#
#   single       one for_each over every id (the guide's first example)
#   16 buckets   one module instance per first hex digit of the SHA-1 of the
#                id, each with a for_each of its own
#   256 buckets  the same by the first two hex digits (the guide's example
#                for large organizations)
#
# By default the resources are terraform_data, which the engine has built
# in: no provider, no network, so the table shows the engine's own cost.
# Their state is written by this script instead of applied: an apply of
# 5,000 instances takes many minutes whatever the layout, and a plan does
# not depend on how its state was made.
#
# With the argument `preo` it runs the guide's two examples themselves,
# against the emulator seeded with one organization of that many users
# (pages of 100), and also prints the requests each plan sent. The bucketed
# example's apply adopts the users (minutes for 5,000); the single
# for_each's state is the same state with the buckets merged, made with jq.
#
# BENCH_LAYOUTS='256 16' leaves out the single for_each, which takes many
# minutes for 5,000 instances.
#
# Each plan runs BENCH_RUNS times (default 3) and the median counts; a plan
# that takes over a minute runs once. The table has the wall time and the
# CPU time of each plan; the wall time is what users wait for, but on a busy
# machine only the CPU time can be compared.
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/bench-layouts.sh [preo]
# (`make bench-layouts`, `make bench-layouts-preo`; ENGINE=tofu for OpenTofu).
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-terraform_data}
sizes=${BENCH_SIZES:-1000 5000}
runs=${BENCH_RUNS:-3}
token=bench-token
organization=org_bench

fail() {
	printf 'bench-layouts failed: %s\n' "$*" >&2
	exit 1
}

case $mode in
terraform_data) layouts=${BENCH_LAYOUTS:-256 16 single} target="'make bench-layouts'" ;;
preo) layouts="256 single" target="'make bench-layouts-preo'" ;;
*) fail "unknown argument '$mode': give none, or preo" ;;
esac
for layout in $layouts; do
	[[ $layout =~ ^(256|16|single)$ ]] || fail "unknown layout '$layout' in BENCH_LAYOUTS: use 256, 16 or single"
done
terraform_bin=$(engine_bin "$target") || exit 1
if [[ $mode == preo ]] && ! command -v jq >/dev/null; then
	fail "the preo variant needs jq, to merge the buckets' state into the single for_each's"
fi

emulator_workdir
export TF_INPUT=0 TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_LOG TF_LOG_PROVIDER TF_LOG_CORE TF_LOG_PATH
if [[ $mode == preo ]]; then
	echo "Building the provider and the emulator"
	build_local_provider "$tmp"
	build_emulator "$tmp"
else
	# The environment may name a CLI configuration that does not exist, which
	# OpenTofu warns about on every command.
	: >"$tmp/terraformrc"
	export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
fi
version=$("$terraform_bin" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
[[ -n $version ]] || fail "could not read the version of $terraform_bin"

# digits LAYOUT prints how many hex digits of the SHA-1 name a bucket.
digits() {
	case $1 in
	16) echo 1 ;;
	256) echo 2 ;;
	esac
}

# tf DIR ARGS... runs the engine in DIR.
tf() {
	local dir=$1
	shift
	(cd "$dir" && "$terraform_bin" "$@" -no-color)
}

# The terraform_data layouts: the guide's examples with terraform_data in
# place of preo_user, and the ids in a variable.
write_data_layout() {
	local dir=$1 layout=$2
	mkdir -p "$dir"
	awk -v n="$size" 'BEGIN {
		printf "{\"ids\": ["
		for (i = 1; i <= n; i++) printf "%s\"usr_%04d\"", (i > 1 ? ", " : ""), i
		print "]}"
	}' >"$dir/terraform.tfvars.json"
	# One terraform_data per id: the single layout's configuration, and the
	# module of the bucketed ones.
	local members='variable "ids" {
  type = list(string)
}

resource "terraform_data" "member" {
  for_each = toset(var.ids)
  input    = each.key
}'
	if [[ $layout == single ]]; then
		printf '%s\n' "$members" >"$dir/main.tf"
		return
	fi
	mkdir -p "$dir/members"
	printf '%s\n' "$members" >"$dir/members/main.tf"
	cat >"$dir/main.tf" <<HCL
variable "ids" {
  type = list(string)
}

module "members" {
  source   = "./members"
  for_each = { for id in var.ids : substr(sha1(id), 0, $(digits "$layout")) => id... }
  ids      = each.value
}
HCL
}

# write_data_state DIR LAYOUT writes the state that an apply of the layout
# would leave: one terraform_data per id, in its bucket's module instance.
# The buckets come from sha1sum (shasum on macOS), one file per id, in a
# single process.
write_data_state() {
	local dir=$1 layout=$2 hashes=$tmp/hashes id sha1
	sha1=$(command -v sha1sum || command -v shasum) || fail "neither sha1sum nor shasum is installed"
	rm -rf "$hashes"
	mkdir "$hashes"
	for id in $(seq -f 'usr_%04g' "$size"); do
		printf '%s' "$id" >"$hashes/$id"
	done
	(cd "$hashes" && "$sha1" -- *) | awk -v digits="$(digits "$layout")" -v single="$([[ $layout == single ]] && echo 1)" \
		'{ print (single ? "-" : substr($1, 1, digits)), $2 }' | sort |
		awk -v version="$version" '
		function end_resource() { if (n) printf "\n      ]\n    }" }
		BEGIN {
			printf "{\n  \"version\": 4,\n  \"terraform_version\": \"%s\",\n  \"serial\": 1,\n", version
			printf "  \"lineage\": \"bench-layouts\",\n  \"outputs\": {},\n  \"resources\": ["
		}
		!n || $1 != bucket {
			end_resource()
			printf "%s\n    {\n", (n ? "," : "")
			if ($1 != "-") printf "      \"module\": \"module.members[\\\"%s\\\"]\",\n", $1
			printf "      \"mode\": \"managed\",\n      \"type\": \"terraform_data\",\n      \"name\": \"member\",\n"
			printf "      \"provider\": \"provider[\\\"terraform.io/builtin/terraform\\\"]\",\n      \"instances\": ["
			bucket = $1
			first = 1
		}
		{
			printf "%s\n        {\"index_key\": \"%s\", \"schema_version\": 0, \"sensitive_attributes\": [], ", (first ? "" : ","), $2
			printf "\"attributes\": {\"id\": \"%s\", \"input\": {\"value\": \"%s\", \"type\": \"string\"}, ", $2, $2
			printf "\"output\": {\"value\": \"%s\", \"type\": \"string\"}, \"triggers_replace\": null}}", $2
			first = 0
			n++
		}
		END {
			end_resource()
			printf "\n  ],\n  \"check_results\": null\n}\n"
		}' >"$dir/terraform.tfstate"
}

# The preo layouts: the guide's examples as they are, with a provider block
# for the emulator.
write_preo_layout() {
	local dir=$1 layout=$2
	mkdir -p "$dir"
	if [[ $layout == single ]]; then
		cp "$repo/examples/guides/adopt-organization/main.tf" "$dir/"
	else
		mkdir -p "$dir/members"
		cp "$repo/examples/guides/adopt-organization-large/main.tf" "$dir/"
		cp "$repo/examples/guides/adopt-organization-large/members/main.tf" "$dir/members/"
	fi
	cat >"$dir/provider.tf" <<HCL
provider "preo" {
  base_url  = "$base_url"
  api_token = "$token"
}
HCL
	printf '{"organization_id": "%s"}\n' "$organization" >"$dir/terraform.tfvars.json"
}

# seed_users writes a seed file of size users, all of one organization.
seed_users() {
	awk -v n="$size" -v org="$organization" 'BEGIN {
		print "["
		for (i = 1; i <= n; i++) {
			printf "  {\"id\": \"usr_%04d\", \"email\": \"user%04d@example.com\", \"first_name\": \"User\", ", i, i
			printf "\"last_name\": \"%04d\", \"is_active\": true, \"locale\": \"en\", ", i
			printf "\"date_joined\": \"2024-01-01T00:00:00Z\", \"edition_id\": \"edt_bench\", \"organization_id\": \"%s\"}%s\n", org, (i < n ? "," : "")
		}
		print "]"
	}' >"$tmp/seed.json"
}

# requests prints how many API requests the emulator has received.
requests() {
	curl -fsS "$base_url/_emulator/requests" | { grep -o '"method":' || true; } | wc -l | tr -d ' '
}

# time_plan DIR prints the wall and CPU seconds (user and system, of the
# engine and what it started) of the median of its no-change plans, by wall
# time, and, with the emulator, the requests of one plan. On a busy machine
# the CPU time says more than the wall time.
time_plan() {
	local dir=$1 status before sent='' TIMEFORMAT='%R %U %S'
	: >"$tmp/runs"
	for _ in $(seq "$runs"); do
		[[ $mode == preo ]] && before=$(requests)
		status=0
		{ time { tf "$dir" plan -detailed-exitcode -compact-warnings >"$tmp/plan.log" 2>&1 || status=$?; }; } 2>"$tmp/time"
		((status == 0)) || fail "the plan in $dir exited $status, not 0 (no changes): $(tail -n 20 "$tmp/plan.log")"
		[[ $mode == preo ]] && sent=$(($(requests) - before))
		awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$tmp/time" >>"$tmp/runs"
		awk '{ exit !($1 < 60) }' "$tmp/time" || break
	done
	printf '%s %s\n' "$(sort -n "$tmp/runs" | awk '{ row[NR] = $0 } END { print row[int((NR + 1) / 2)] }')" "$sent"
}

results=$tmp/results
: >"$results"
for size in $sizes; do
	if [[ $mode == preo ]]; then
		stop_emulator
		seed_users
		start_emulator "$tmp/preo-emulator" "$tmp" -token "$token" -seed-file "$tmp/seed.json" -page-size 100 ||
			fail "the emulator did not start"
	fi
	for layout in $layouts; do
		dir=$tmp/$size-$layout
		echo "$size users, layout $layout: preparing"
		if [[ $mode == preo ]]; then
			write_preo_layout "$dir" "$layout"
			tf "$dir" get >/dev/null
			if [[ $layout == single ]]; then
				# Every bucket's preo_user instances, as one resource at the root.
				jq '(.resources | map(select(.module == null))) as $root
					| (.resources | map(select(.module != null))) as $members
					| .resources = $root + [$members[0] | del(.module) | .instances = [$members[].instances[]]]' \
					"$tmp/$size-256/terraform.tfstate" >"$dir/terraform.tfstate"
			else
				tf "$dir" apply -auto-approve -compact-warnings >"$tmp/apply.log" 2>&1 ||
					fail "the apply in $dir failed: $(tail -n 20 "$tmp/apply.log")"
			fi
		else
			write_data_layout "$dir" "$layout"
			tf "$dir" init >/dev/null
			write_data_state "$dir" "$layout"
		fi
		timing=$(time_plan "$dir")
		echo "$size $layout $timing" >>"$results"
	done
done

printf '\n%s %s, no-change plan of %s, median of up to %s runs:\n' "$(basename "$terraform_bin")" "$version" \
	"$([[ $mode == preo ]] && echo "the guide's examples against the emulator" || echo terraform_data)" "$runs"
awk -v preo="$([[ $mode == preo ]] && echo 1)" '
	BEGIN { printf "  %6s  %-12s %9s %8s%s\n", "users", "layout", "plan (s)", "CPU (s)", (preo ? "  requests" : "") }
	{ printf "  %6d  %-12s %9s %8s%s\n", $1, ($2 == "single" ? "single" : $2 " buckets"), $3, $4, (preo ? sprintf("  %8d", $5) : "") }
' "$results"
