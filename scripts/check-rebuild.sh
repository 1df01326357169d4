#!/usr/bin/env bash
# Proves that cargo rebuilds descope-api when a spec file is edited or added.
#
# In a scratch copy of the workspace it builds an example that calls an endpoint which exists only
# in a spec file added after the first build, then renames that endpoint in the file and builds an
# example that calls the new name. Each build succeeds only if cargo re-ran the macro.
# Uses this workspace's target/ for the registry dependencies, so it takes seconds, not minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -P -t "$scratch")
cd "$scratch"
example() {
  cat > descope-api/examples/probe.rs <<RS
fn main() {
    let client = descope_api::Client::builder("P1").base_url("http://127.0.0.1:9").build().unwrap();
    let _request = client.probe().$1("x");
}
RS
}
spec() {
  cat > descope-api/spec/probe.json <<JSON
{
  "group": { "name": "probe", "docs": "Rebuild probe." },
  "endpoints": [
    { "name": "$1", "method": "POST", "path": "/v1/probe", "auth": "project", "docs": "Probe.",
      "body": [ { "name": "loginId", "type": "string", "required": true, "docs": "Who." } ] }
  ]
}
JSON
}

echo "1. first build, no probe spec yet"
cargo build -q -p descope-api --lib
echo "2. add spec/probe.json (endpoint ping): the example calling it must build"
spec ping; example ping
sleep 1
cargo build -q -p descope-api --example probe
echo "3. edit spec/probe.json (ping -> pong): the example calling pong must build"
spec pong; example pong
cargo build -q -p descope-api --example probe
echo "rebuild check: adding and editing a spec file both rebuild descope-api"
