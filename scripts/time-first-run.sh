#!/bin/bash
# Times `make run` on a fresh clone until the sandbox page answers (issue 16: "make run to a
# usable sandbox"). Usage: scripts/time-first-run.sh [SOURCE_REPO] [PORT] [BRANCH]
# Clones SOURCE_REPO (default: this checkout) into a temporary directory, runs `make run`
# there with no Slack variables and prints the seconds until http://127.0.0.1:PORT/ answers.
set -eu
src=${1:-$(git rev-parse --show-toplevel)}
port=${2:-3999}
branch=${3:-}
dir=$(mktemp -d /tmp/casebook-first-run.XXXXXX)
git clone -q ${branch:+--branch "$branch"} "$src" "$dir"
cd "$dir"
start=$(date +%s.%N)
env -u SLACK_APP_TOKEN -u SLACK_SIGNING_SECRET -u SLACK_BOT_TOKEN PORT="$port" \
  setsid make run >"$dir/make-run.log" 2>&1 &
pid=$!
trap 'kill -TERM -- -$pid 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "make run exited early; see $dir/make-run.log" >&2; exit 1; fi
  sleep 0.2
done
end=$(date +%s.%N)
kill -TERM -- -"$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
trap - EXIT
echo "make run on a fresh clone: sandbox answered on port $port after $(echo "$end - $start" | bc) s ($dir)"
