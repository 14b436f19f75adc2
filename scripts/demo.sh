#!/usr/bin/env bash
# Shows the provider doing its job: builds it and the emulator, starts the
# emulator with its demo users on a free loopback port, and runs examples/demo
# through plan, apply, a second plan that must show no changes, and destroy.
#
# It runs with the CLI in ENGINE_BIN, Terraform or OpenTofu (`make demo` sets
# it; `make demo ENGINE=tofu` picks OpenTofu). Everything happens in a
# temporary directory: a CLI configuration with dev_overrides points the CLI
# at the fresh build, and the state lives there too, so neither the work tree
# nor the user's home is touched. The emulator is stopped and the directory
# removed on exit, failure or Ctrl-C.
#
# Usage: ENGINE_BIN=/path/to/terraform scripts/demo.sh
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
token=dev-token

section() { printf '\n==> %s\n' "$*"; }
fail() {
	printf 'demo failed: %s\n' "$*" >&2
	exit 1
}

cli=$(engine_bin "'make demo'") || exit 1
command -v go >/dev/null || fail "Go is required on PATH"

emulator_workdir

tf() { "$cli" "$@"; }

# http_get PATH prints the API's answer for PATH, pretty-printed. It uses curl
# when there is one, and bash's own /dev/tcp otherwise (the emulator speaks
# plain HTTP on loopback).
http_get() {
	local accept='application/json; indent=4'
	if command -v curl >/dev/null; then
		curl -fsS -H "Authorization: Bearer $token" -H "Accept: $accept" "$PREO_BASE_URL$1"
		echo
		return
	fi
	local hostport=${PREO_BASE_URL#http://} response status
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
	printf 'GET %s HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\nAccept: %s\r\n\r\n' \
		"$1" "$hostport" "$token" "$accept" >&3
	response=$(cat <&3)
	exec 3<&-
	status=$(head -n 1 <<<"$response")
	[[ $status == *" 200 "* ]] || fail "GET $1 answered: ${status%$'\r'}"
	sed '1,/^\r\{0,1\}$/d' <<<"$response"
}

# json_field NAME reads a string field from the JSON on stdin.
json_field() {
	sed -n "s/^ *\"$1\": *\"\\([^\"]*\\)\",\\{0,1\\}\$/\\1/p" | head -n 1
}

section "Building the provider and the emulator"
(cd "$repo" && go build -o "$tmp/bin/terraform-provider-preo" .)
build_emulator "$tmp/bin"
echo "built into a temporary directory"

section "Starting the emulator"
start_emulator "$tmp/bin/preo-emulator" "$tmp" -token "$token" || fail "the emulator did not start"
echo "emulator listening at $base_url with its demo users"

export PREO_BASE_URL=$base_url
export PREO_API_TOKEN=$token
use_local_provider "$tmp"
export TF_DATA_DIR="$tmp/work/.terraform"
export TF_INPUT=0

mkdir -p "$tmp/work"
cp "$repo"/examples/demo/*.tf "$tmp/work/"
cd "$tmp/work"

# The CLI warns on every command that dev_overrides are in effect; plan and
# apply show that warning in one line.
section "Planning with $("$cli" version | head -n 1)"
echo "(The plan shows adopting an existing user as \"create\".)"
tf plan -input=false -compact-warnings -out=demo.tfplan

section "Applying the plan"
tf apply -input=false -compact-warnings -auto-approve demo.tfplan

section "Planning again: nothing should change"
status=0
tf plan -input=false -compact-warnings -detailed-exitcode || status=$?
case $status in
0) echo "no changes, as expected" ;;
2) fail "the second plan wants to change something; the provider should have converged" ;;
*) fail "the second plan failed" ;;
esac

section "Outputs"
tf output
user_id=$(tf output -raw adopted_user_id)
after=$(http_get "/v1/user/$user_id")
first_name=$(json_field first_name <<<"$after")
last_name=$(json_field last_name <<<"$after")
[[ $(tf output -raw adopted_user_after) == "$first_name $last_name <"* ]] ||
	fail "Preo has user $user_id as $first_name $last_name, not as the apply set it"

section "Destroying"
tf destroy -input=false -auto-approve

section "What destroy left in Preo"
echo "GET $PREO_BASE_URL/v1/user/$user_id"
left=$(http_get "/v1/user/$user_id")
printf '%s\n' "$left"
[[ $(json_field first_name <<<"$left") == "$first_name" && $(json_field last_name <<<"$left") == "$last_name" ]] ||
	fail "user $user_id is not as the apply left it"
echo "User $user_id is still in Preo as $first_name $last_name: destroy only stopped managing it."

section "Demo finished"
