# shellcheck shell=bash
# Sourced by the scripts that run the emulator while they work.
#
# start_emulator BIN DIR [FLAG...] starts the emulator BIN on a free loopback
# port with the given flags, its output and log in DIR, and sets base_url to
# the address it reports. It fails, with the emulator's log, when the emulator
# stops first or reports no address within 10 seconds. stop_emulator stops it;
# call it on exit.
emulator_pid=

start_emulator() {
	local bin=$1 dir=$2
	shift 2
	# Created here, so that the first look for the address finds a file even
	# before the emulator has opened it.
	: >"$dir/emulator.out"
	"$bin" -addr 127.0.0.1:0 "$@" >"$dir/emulator.out" 2>"$dir/emulator.log" &
	emulator_pid=$!
	base_url=
	for _ in $(seq 100); do
		base_url=$(sed -n 's/^PREO_BASE_URL=//p' "$dir/emulator.out")
		[[ -n $base_url ]] && return 0
		if ! kill -0 "$emulator_pid" 2>/dev/null; then
			printf 'the emulator stopped before it was ready: %s\n' "$(cat "$dir/emulator.log")" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "the emulator did not report its address within 10 seconds" >&2
	return 1
}

stop_emulator() {
	if [[ -n $emulator_pid ]] && kill -0 "$emulator_pid" 2>/dev/null; then
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
}

# received and throttled read the emulator's counters: the API requests it
# received, and those of them it answered 429.
received() {
	curl -fsS "$base_url/_emulator/requests" | { grep -o '"method":' || true; } | wc -l
}

throttled() {
	curl -fsS "$base_url/_emulator/throttled" | sed -n 's/.*"throttled":\([0-9]*\).*/\1/p'
}

# emulator_workdir sets tmp to a new temporary directory, and makes sure the
# emulator is stopped and tmp removed however the script ends: on Ctrl-C or
# kill it exits with the usual status, and the EXIT trap cleans up.
emulator_workdir() {
	tmp=$(mktemp -d)
	trap 'stop_emulator; rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# build_emulator DIR builds the emulator of this repository into
# DIR/preo-emulator.
build_emulator() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/.." && go build -o "$1/preo-emulator" ./cmd/preo-emulator)
}
