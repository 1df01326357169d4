#!/usr/bin/env bash
# Descope's official Node SDK (@descope/node-sdk, npm) and Python SDK (descope, PyPI) against
# descope-emulator: OTP and magic-link flows and their errors (scripts/official-sdks/).
#
#   bash scripts/check-official-sdks.sh
#
# Builds and starts the emulator on a free port of 127.0.0.1 (stopped on exit), installs the
# SDKs from their registries (Node into a temporary folder, Python into a venv under
# target/official-sdks/), runs both flow scripts, and fails if either does. Needs cargo, node
# (20 or later) with npm, and python3 with venv; no stdin.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
flows=$root/scripts/official-sdks
work=$root/target/official-sdks
mkdir -p "$work"

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
export npm_config_update_notifier=false npm_config_yes=true

for tool in cargo node npm python3; do
  command -v "$tool" >/dev/null || { echo "check-official-sdks: $tool is not installed" >&2; exit 1; }
done

started=$SECONDS
seconds() { echo "$((SECONDS - $1))s"; }

echo "-- building descope-emulator"
cargo build -q -p descope-emulator
emulator=${CARGO_TARGET_DIR:-$root/target}/debug/descope-emulator

node_dir=$(mktemp -d "${TMPDIR:-/tmp}/official-node-sdk.XXXXXX")
log=$work/emulator.log
emulator_pid=
cleanup() {
  if [[ -n $emulator_pid ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$node_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --port 0: the emulator picks a free port and prints its base URL and project ID.
"$emulator" --port 0 >"$log" 2>&1 </dev/null &
emulator_pid=$!
base_url= project_id=
for _ in $(seq 100); do
  base_url=$(sed -n 's/^descope-emulator listening on //p' "$log")
  project_id=$(sed -n 's/^project ID: //p' "$log")
  [[ -n $base_url && -n $project_id ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "check-official-sdks: the emulator exited:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $base_url && -n $project_id ]] || { echo "check-official-sdks: the emulator did not start:" >&2; cat "$log" >&2; exit 1; }
python3 - "$base_url" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1] + "/emulator", timeout=2).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("check-official-sdks: the emulator does not answer at " + sys.argv[1])
EOF
echo "-- emulator at $base_url, project $project_id"

echo "-- installing @descope/node-sdk (npm, into $node_dir)"
t=$SECONDS
cp "$flows/node/package.json" "$flows/node/flows.mjs" "$node_dir/"
timeout 300 npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error </dev/null >/dev/null
echo "   $(cd "$node_dir" && npm ls --depth=0 --parseable=false 2>/dev/null | sed -n 's/.*── //p' | tr '\n' ' ')($(seconds $t))"

echo "-- installing descope (pip, into target/official-sdks/venv)"
t=$SECONDS
venv=$work/venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
timeout 300 "$venv/bin/pip" install -q -r "$flows/python/requirements.txt" </dev/null
echo "   descope $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("descope"))') ($(seconds $t))"

export DESCOPE_BASE_URL=$base_url DESCOPE_PROJECT_ID=$project_id
status=0

echo "-- Node SDK flows (scripts/official-sdks/node/flows.mjs)"
t=$SECONDS
timeout 120 node "$node_dir/flows.mjs" </dev/null || status=1
echo "   ($(seconds $t))"

echo "-- Python SDK flows (scripts/official-sdks/python/flows.py)"
t=$SECONDS
timeout 120 "$venv/bin/python" "$flows/python/flows.py" </dev/null || status=1
echo "   ($(seconds $t))"

if [[ $status -ne 0 ]]; then
  echo "-- emulator log (what it sent):"
  tail -n 40 "$log"
  echo "check-official-sdks: FAILED: an official SDK and the emulator disagree (see FAIL above) ($(seconds $started))"
  exit 1
fi
echo "check-official-sdks: both official SDKs agree with the emulator ($(seconds $started))"
