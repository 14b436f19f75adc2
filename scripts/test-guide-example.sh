#!/usr/bin/env bash
# Runs the tests of the guide "Test your Terraform with the emulator"
# (examples/guides/test-with-the-emulator) as a user would: `test` against a
# fresh emulator seeded with the example's seed.json and a fresh build of the
# provider. Then it resets the emulator and runs them again on a copy of the
# module whose naming rule is reversed, which must fail on an assertion: a
# test that cannot fail proves nothing.
#
# It runs with the CLI in ENGINE_BIN. Terraform has a `test` command from 1.6
# on, so Terraform 1.5.7 is passed over, and the script says so. A CLI
# configuration with dev_overrides points the CLI at the build; `get`
# installs the test's helper module (`init` would look the overridden
# provider up in a registry). Everything happens in a temporary directory,
# and the emulator is stopped on exit, failure or Ctrl-C.
#
# Usage: ENGINE_BIN=/path/to/tofu scripts/test-guide-example.sh
# (`make guide-test` sets it, once per engine.)
set -euo pipefail
# shellcheck source=scripts/dev-overrides.sh
source "$(dirname "$0")/dev-overrides.sh"
# shellcheck source=scripts/emulator.sh
source "$(dirname "$0")/emulator.sh"

repo=$(cd "$(dirname "$0")/.." && pwd)
example=$repo/examples/guides/test-with-the-emulator

fail() {
	printf 'guide-test failed: %s\n' "$*" >&2
	exit 1
}

cli=$(engine_bin "'make guide-test'") || exit 1
command -v curl >/dev/null || fail "curl is required to reset the emulator"

# Both CLIs report their version as terraform_version.
version=$("$cli" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')
[[ $version =~ ^([0-9]+)\.([0-9]+)\. ]] || fail "could not read the version of $cli (got '$version')"
major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
name=$(basename "$cli")
if ((major == 1 && minor < 6)); then
	echo "Passing over $name $version for the guide's tests: it has no test command (Terraform added it in 1.6)."
	exit 0
fi

emulator_workdir

"$cli" fmt -check -recursive -diff "$example" >"$tmp/fmt.log" 2>&1 ||
	fail "the example is not formatted: $(cat "$tmp/fmt.log")"

echo "Building the provider and the emulator"
build_local_provider "$tmp"
build_emulator "$tmp"
start_emulator "$tmp/preo-emulator" "$tmp" -seed-file "$example/seed.json" || fail "the emulator did not start"
export PREO_BASE_URL=$base_url PREO_API_TOKEN=dev-token TF_INPUT=0
unset TF_DATA_DIR TF_LOG TF_LOG_PATH

# run_tests DIR runs the tests of the module copied into DIR, output in DIR.log.
run_tests() {
	(cd "$1" && "$cli" get -no-color && "$cli" test -no-color) >"$1.log" 2>&1
}

# reset_emulator brings the emulator back to the seed file, as the guide does
# between two test runs.
reset_emulator() {
	local answer
	answer=$(curl -fsS -X POST "$base_url/_emulator/reset") || fail "POST /_emulator/reset failed"
	[[ $answer == '{"users":5}' ]] || fail "POST /_emulator/reset answered $answer, want the 5 users of seed.json"
}

echo "Running the guide's tests with $name $version"
cp -R "$example" "$tmp/module"
if ! run_tests "$tmp/module"; then
	cat "$tmp/module.log"
	fail "the guide's tests failed with $name $version"
fi
grep -E '^ *run "|^(Success|Failure)!' "$tmp/module.log" | sed 's/^/    /'

echo "Resetting the emulator, then running them on a copy with the naming rule reversed: they must fail"
reset_emulator
cp -R "$example" "$tmp/broken"
sed 's/upper(each.value.last_name)/lower(each.value.last_name)/' "$example/main.tf" >"$tmp/broken/main.tf"
grep -q 'lower(each.value.last_name)' "$tmp/broken/main.tf" ||
	fail "the naming rule in main.tf is no longer upper(each.value.last_name): update the sed above"
if run_tests "$tmp/broken"; then
	cat "$tmp/broken.log"
	fail "the tests passed on a module that writes last names in lower case: they cannot tell the rule from its reverse"
fi
grep -q 'Test assertion failed' "$tmp/broken.log" || {
	cat "$tmp/broken.log"
	fail "the tests of the broken copy failed, but not on an assertion"
}
# Indented, like the report above: its "2 failed" is the expected outcome,
# not a summary of this run.
grep -E '^ *run "|^(Success|Failure)!' "$tmp/broken.log" | sed 's/^/    expected: /'
echo "The guide's tests pass, and fail on the broken copy, as they should."
