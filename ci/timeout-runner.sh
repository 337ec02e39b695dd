#!/usr/bin/env bash
# Cargo target runner for CI (.ci/run sets CARGO_TARGET_<host triple>_RUNNER to this file):
# cargo runs every test binary, every example and, since Rust 1.89, every doctest harness as
# `timeout-runner.sh <binary> <args>…`, so a hang becomes a failure that says so.
#
# - After GORO_TEST_TIMEOUT seconds (default 300) the binary and its children get SIGQUIT:
#   Go's runtime answers it with a dump of every goroutine, and so will goro's (DESIGN.md
#   section 8); until then it just ends the binary. Whatever still lives 30 s later gets
#   SIGKILL.
# - No core files: SIGQUIT's default action would dump one into the working tree.
# - rustdoc runs a merged doctest harness (`…/rustdoctest…/rust_out`) through the runner
#   without RUSTDOC_DOCTEST_BIN_PATH, which makes the harness run every doctest in its own
#   process rather than as threads of one (what it does when no runner is set); we pass it
#   the variable as rustdoc itself does without a runner, so doctests stay isolated.
set -uo pipefail

limit="${GORO_TEST_TIMEOUT:-300}"
ulimit -c 0
case "$1" in
*/rustdoctest*/rust_out) export RUSTDOC_DOCTEST_BIN_PATH="$1" ;;
esac

start=$SECONDS
timeout --signal=QUIT --kill-after=30 "$limit" "$@"
rc=$?
# 124: timed out (SIGQUIT sent); 137: also needed SIGKILL. Check the clock too, since a
# binary killed by someone else (the OOM killer) also ends with 137.
if { [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } && [ $((SECONDS - start)) -ge "$limit" ]; then
    echo "error: TIMEOUT: ${1##*/} still ran after ${limit} s (GORO_TEST_TIMEOUT); sent SIGQUIT" >&2
fi
exit "$rc"
