#!/usr/bin/env bash
# Compile cost of descope-api next to progenitor 0.14 generating the same operations.
#
# What is compared
#   descope-api: the endpoints of its spec files (descope-api/spec/**/*.json), expanded at compile
#   time by the `descope_macros::generate!` proc macro.
#   progenitor:  oxidecomputer's OpenAPI client generator (0.14, positional interface), run from a
#   build script on Descope's OpenAPI document (../shared/reference/descope-openapi.yml, read
#   only) pruned to the same HTTP operations and the component schemas they reach, and repaired
#   where progenitor refuses it (see scripts/compile_report.py; the report counts each repair).
#   The baseline crate is written to bench/progenitor-baseline/ (gitignored, its own workspace,
#   excluded from this one); it never goes into git, nor does anything derived from the document.
#   Operations: each spec endpoint's METHOD + path; enum-typed path parameters ({method} over
#   DeliveryMethod, ...) are expanded over the enum's values, other placeholders ({projectId},
#   {provider}) match the document's placeholders by position.
#
# How it is measured: only the one crate is compiled in a measured step; its dependencies, proc
# macros and progenitor's build script are built by an unmeasured warm-up first.
#   check     `touch src/lib.rs && cargo check --lib`, CARGO_INCREMENTAL=0.
#   build     `touch src/lib.rs && cargo build --lib`, CARGO_INCREMENTAL=0: a clean compile of the
#             crate. Wall and CPU (user+sys, children included) of the cargo call come from
#             /usr/bin/time; peak RSS and CPU of the crate's own rustc from a RUSTC_WRAPPER that
#             runs only that rustc under /usr/bin/time. (cargo's own %M, the max over cargo and
#             its children, is recorded too, to cross-check that the largest process is rustc.)
#   noop      `cargo build --lib` again, nothing changed.
#   specedit  descope-api: a newline appended to spec/auth/otp.json of the scratch copy (the
#             generated code stays the same); progenitor: its OpenAPI document touched, so its
#             build script re-runs the generator (which times itself: reported separately). Then
#             `cargo build --lib` with the dev profile's incremental compilation on, as a developer
#             editing a spec would see it.
#   Generated lines: the prettyplease-formatted code (`descope-codegen expand` of the scratch spec
#   folder; progenitor's $OUT_DIR/codegen.rs), per HTTP operation.
# descope-api is measured in scratch copies of its crate under target/compile-report/ (the real
# files are never touched): descope-main/ with the selected subset's spec files, descope-small/
# with only otp.json and session.json (plus every types-only file and area.json). Their path dependencies point
# back at this workspace's crates and CARGO_TARGET_DIR is this workspace's (target/ unless set),
# so registry dependencies stay warm. (With --snapshot they point at a copy of the workspace,
# whose target dir is target/compile-report/snapshot-target.) The baseline has its own target
# dir, target/compile-report/progenitor-target. Feature sets of descope-api: `--all-features`
# (the one compared with progenitor: spec areas are cargo features, and every operation of the
# subset must be compiled), default and `--no-default-features --features auth`, each where the
# crate declares it (from `cargo metadata`).
# Rounds alternate the tools (descope, progenitor, descope, progenitor, ...). A step is measured
# again when it was not of the one crate alone: it waited for another cargo's lock, compiled
# other crates too (descope-api's path dependencies are this workspace's live crates), or other
# processes took a noticeable share of the CPU meanwhile (this machine has 2 cores); a sample
# still disturbed after 4 attempts is flagged and left out of the medians when the step has
# undisturbed ones. The report gives medians, the ratios
# descope/progenitor and the marginal cost per operation
# (time(subset) - time(otp)) / (ops(subset) - ops(otp)) for each tool.
#
# Usage
#   scripts/compile-report.sh [--rounds N] [--subset otp|auth|all|<folder or file under spec/>]
#                             [--quick] [--snapshot] [--instructions]
#     --rounds N   rounds of measurement (default 3)
#     --subset S   operations to compare (default all); the small subset is always otp.json and
#                  session.json (the runtime's session validation calls session endpoints, so
#                  every build of the crate needs them)
#     --quick      1 round, one feature set (the compared one): a smoke test
#     --snapshot   read descope-api and its path dependencies from a copy of the workspace taken
#                  at the start (target/compile-report/workspace/) instead of the live crates:
#                  for a tree someone is editing meanwhile (its first run compiles the copies)
#     --instructions   after the rounds, one more clean build of each crate (the compared
#                  feature set and the small subset, both tools) under valgrind's callgrind, for
#                  the instructions its rustc executes: a figure the machine's load and speed do
#                  not move, unlike seconds (about 50 times a build's time; needs valgrind)
#   Output: the Markdown report on stdout and in target/compile-report/report.md; raw samples in
#   target/compile-report/results.tsv, cargo logs in target/compile-report/logs/, both tools'
#   generated code beside them. Needs python3 (PyYAML is pip-installed when missing) and
#   /usr/bin/time. The first run downloads progenitor and its dependencies from crates.io and
#   builds them (a few minutes).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=3
subset=all
quick=0
snapshot=0
instructions=0
while (($#)); do
  case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --rounds=*) rounds=${1#*=}; shift ;;
    --subset) subset=${2:?--subset needs a value}; shift 2 ;;
    --subset=*) subset=${1#*=}; shift ;;
    --quick) quick=1; shift ;;
    --snapshot) snapshot=1; shift ;;
    --instructions) instructions=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "compile-report: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "compile-report: --rounds takes a positive number" >&2; exit 2; }
if ((quick)); then rounds=1; fi
small=otp,auth/session.json

doc=$root/../shared/reference/descope-openapi.yml
out=$root/target/compile-report
# Where descope-api and its path dependencies are read from: this workspace, or (--snapshot) a
# copy of its files taken at the start, so that edits made meanwhile cannot mix in.
# The copy keeps the workspace's layout, so its crates would share artifact names with the live
# ones: it gets its own target dir (its registry dependencies are built once, on the first run).
src=$root
descope_target=${CARGO_TARGET_DIR:-$root/target}
if ((snapshot)); then
  src=$out/workspace
  descope_target=${CARGO_TARGET_DIR:-$out/snapshot-target}
fi
spec=$src/descope-api/spec
crate_dir=$src/descope-api
bench=$root/bench/progenitor-baseline
prog_target=$out/progenitor-target
helper=$root/scripts/compile_report.py
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER CARGO_INCREMENTAL

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "compile-report: $*" >&2; exit 1; }
calc() { awk "BEGIN { printf \"%.4f\\n\", $1 }"; }

[[ -f $doc ]] || die "no OpenAPI document at $doc"
[[ -d $root/descope-api/spec ]] || die "no spec folder at $root/descope-api/spec"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
if ((instructions)); then
  command -v valgrind > /dev/null || die "--instructions needs valgrind (apt-get install valgrind)"
fi
python3 -c 'import yaml' 2>/dev/null || {
  echo "compile-report: installing PyYAML" >&2
  python3 -m pip install --quiet pyyaml || python3 -m pip install --quiet --break-system-packages pyyaml
}

rm -rf "$out/logs"
mkdir -p "$out/logs"
results=$out/results.tsv
: > "$results"
notes=$out/notes.txt
: > "$notes"
note() { echo "$*" >> "$notes"; echo "note: $*" >&2; }
# put FILE: stdin into FILE, leaving FILE (and its mtime) alone when it already holds that.
put() {
  local tmp
  tmp=$(mktemp)
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mkdir -p "$(dirname "$1")"; mv "$tmp" "$1"; fi
}

# ---------------------------------------------------------------------------------------------
# RUSTC_WRAPPER: runs the measured crate's rustc under /usr/bin/time (or, for --instructions,
# callgrind), every other rustc as is.
# ---------------------------------------------------------------------------------------------
wrapper=$out/rustc-wrapper.sh
put "$wrapper" <<'SH'
#!/usr/bin/env bash
# Written by scripts/compile-report.sh. `$1` is rustc; the measured crate (COMPILE_REPORT_CRATE,
# its library, not its build script) runs under callgrind when COMPILE_REPORT_CALLGRIND names
# the profile to write, else under /usr/bin/time when COMPILE_REPORT_RSS is set, appending
# "maxrss_kib user_s sys_s wall_s" to it.
rustc=$1; shift
prev=
for arg in "$@"; do
  if [[ $prev == --crate-name && $arg == "${COMPILE_REPORT_CRATE:-}" ]]; then
    if [[ -n ${COMPILE_REPORT_CALLGRIND:-} ]]; then
      exec valgrind --quiet --tool=callgrind --callgrind-out-file="$COMPILE_REPORT_CALLGRIND" \
        "$rustc" "$@"
    elif [[ -n ${COMPILE_REPORT_RSS:-} ]]; then
      exec /usr/bin/time -a -o "$COMPILE_REPORT_RSS" -f '%M %U %S %e' "$rustc" "$@"
    fi
  fi
  prev=$arg
done
exec "$rustc" "$@"
SH
chmod +x "$wrapper"

# ---------------------------------------------------------------------------------------------
# descope-api scratch crates
# ---------------------------------------------------------------------------------------------
# make_scratch NAME SUBSET: target/compile-report/descope-NAME/, a workspace holding a copy of
# the descope-api crate, at descope-NAME/report-NAME/, whose spec/ has only SUBSET's files.
# The copy's folder name is not descope-api/ on purpose: cargo hashes a path package's artifact
# and incremental-cache names from (among others) its path relative to the workspace root, so two
# copies at descope-api/ shared, and kept overwriting, one set of them in the shared target dir
# (and could share the real crate's).
make_scratch() {
  local name=$1 sub=$2 dir=$out/descope-$1
  local copy=$dir/report-$1
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -a "$crate_dir" "$copy"
  rm -rf "$copy/spec" "$copy/target"
  python3 "$helper" descope-spec "$spec" "$sub" "$copy/spec" > "$out/descope-$name.json"
  python3 "$helper" scratch-manifest "$src" "$crate_dir" "$dir" "report-$name"
  cp "$src/Cargo.lock" "$dir/Cargo.lock"
}

# The spec file a "spec edit" appends a newline to.
spec_edit_file() {
  local dir=$out/descope-$1/report-$1/spec
  if [[ -f $dir/auth/otp.json ]]; then echo "$dir/auth/otp.json"; else
    python3 - "$dir" <<'PY'
import json, sys
from pathlib import Path
for p in sorted(Path(sys.argv[1]).rglob("*.json")):
    if p.name != "schema.json" and json.load(open(p)).get("endpoints"):
        print(p); break
PY
  fi
}

# ---------------------------------------------------------------------------------------------
# The progenitor baseline crate
# ---------------------------------------------------------------------------------------------
write_baseline() {
  mkdir -p "$bench/src"
  # The baseline's HTTP stack is descope-api's: reqwest and rustls as the workspace declares them
  # (TLS with ring, HTTP/2), so that the comparison is of the generated code, not of the
  # dependency trees (reqwest without TLS, as progenitor-client alone has it, is ~13 MiB lighter
  # in rustc's peak RSS). progenitor's own needs (json, query, stream) are added to reqwest.
  local http_deps
  http_deps=$(python3 - "$src/Cargo.toml" <<'PY'
import sys, tomllib
deps = tomllib.load(open(sys.argv[1], "rb"))["workspace"]["dependencies"]
def spec(d):
    if isinstance(d, str):
        return {"version": d}
    return dict(d)
req = spec(deps["reqwest"])
req["features"] = sorted(set(req.get("features", [])) | {"json", "query", "stream"})
def toml(d):
    parts = []
    for k, v in d.items():
        if isinstance(v, bool):
            parts.append("%s = %s" % (k, "true" if v else "false"))
        elif isinstance(v, list):
            parts.append("%s = [%s]" % (k, ", ".join('"%s"' % x for x in v)))
        else:
            parts.append('%s = "%s"' % (k, v))
    return "{ " + ", ".join(parts) + " }"
print("reqwest = " + toml(req))
if "rustls" in deps:
    print("rustls = " + toml(spec(deps["rustls"])))
PY
  ) || die "could not read reqwest and rustls from $src/Cargo.toml"
  put "$bench/Cargo.toml" <<TOML
# Written by scripts/compile-report.sh (regenerated on every run; gitignored).
[package]
name = "progenitor-baseline"
version = "0.0.0"
edition = "2024"
publish = false

# Not part of the descope-api workspace.
[workspace]

[features]
# Generate from openapi-small.json (the small subset) instead of openapi.json (see build.rs).
small = []

[dependencies]
progenitor-client = "0.14"
# descope-api's reqwest (and rustls), with progenitor's features added.
$http_deps
serde = { version = "1", features = ["derive"] }
serde_json = "1"

[build-dependencies]
progenitor = { version = "0.14", default-features = false }
prettyplease = "0.2"
serde_json = "1"
syn = "2"

# The same dev profile as the descope-api workspace.
[profile.dev]
debug = "line-tables-only"

[profile.dev.package."*"]
debug = false
TOML
  put "$bench/build.rs" <<'RS'
// Written by scripts/compile-report.sh: progenitor generates the client into $OUT_DIR/codegen.rs
// (and the seconds that took, reading the document to formatting the code, into
// $OUT_DIR/generate-seconds).
fn main() {
    let start = std::time::Instant::now();
    let doc = if std::env::var_os("CARGO_FEATURE_SMALL").is_some() {
        "openapi-small.json"
    } else {
        "openapi.json"
    };
    println!("cargo:rerun-if-changed={doc}");
    let file = std::fs::File::open(doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let spec = serde_json::from_reader(std::io::BufReader::new(file))
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut generator = progenitor::Generator::new(
        progenitor::GenerationSettings::default()
            .with_interface(progenitor::InterfaceStyle::Positional),
    );
    let tokens = generator
        .generate_tokens(&spec)
        .unwrap_or_else(|e| panic!("progenitor refused {doc}: {e}"));
    let ast = syn::parse2(tokens).expect("progenitor's output parses");
    let content = prettyplease::unparse(&ast);
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("codegen.rs"), content).unwrap();
    let seconds = start.elapsed().as_secs_f64();
    std::fs::write(out.join("generate-seconds"), format!("{seconds:.3}\n")).unwrap();
}
RS
  put "$bench/src/lib.rs" <<'RS'
//! Written by scripts/compile-report.sh: the client progenitor generated from the pruned document.
include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
RS
  put "$bench/README.md" <<'MD'
Generated by `scripts/compile-report.sh` (progenitor baseline for the compile-cost report); not
tracked by git. `openapi*.json` are derived from Descope's OpenAPI document: never commit them.
MD
}

# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------
# run_cargo LOG DIR TARGET CRATE_NAME ARGS...: one cargo call, under the wrapper; fails loudly.
run_cargo() {
  local log=$1 dir=$2 target=$3 crate=$4; shift 4
  if ! (cd "$dir" && CARGO_TARGET_DIR=$target RUSTC_WRAPPER=$wrapper COMPILE_REPORT_CRATE=$crate \
        cargo "$@") > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "cargo $* failed in $dir (log: $log)$hint"
  fi
}

# CPU seconds the whole machine has been busy since boot (all cores; from /proc/stat).
clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)
busy_seconds() {
  awk -v hz="$clk_tck" '$1 == "cpu" { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / hz; exit }' /proc/stat
}

# measure TOOL VARIANT STEP PREP DIR TARGET CRATE_NAME ARGS...: runs PREP (a command: touch a
# file, edit a spec, or `:`), then one timed cargo call; appends its samples to results.tsv as
# `tool variant step metric value sample-number` lines.
# A sample is "disturbed" when it was not of the one crate alone: the call waited for another
# cargo's lock, compiled other crates too (descope-api's path dependencies are this workspace's
# live crates), recompiled the crate in a no-op step, or other processes took a noticeable share
# of the CPU meanwhile (the "foreign" CPU: the machine's busy time less the call's own CPU).
# A disturbed attempt is repeated (PREP included), up to 4 attempts; the least disturbed one is
# kept, and flagged, so that the report can leave it out of the medians.
sample_no=0
# sample METRIC VALUE: one line of results.tsv for the current measure call (its locals).
sample() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$variant" "$step" "$1" "$2" "$sample_no" >> "$results"; }
# measure_extra: a file the measured call writes (progenitor's generate-seconds), kept as
# FILE.kept from the attempt that is kept.
measure_extra=''
measure() {
  local tool=$1 variant=$2 step=$3 prep=$4 dir=$5 target=$6 crate=$7; shift 7
  local log=$out/logs/$tool-$variant-$step-round$round
  local tfile=$out/time.txt rfile=$out/rustc-time.txt pkg=${crate//_/-}
  local attempt wall user sys rss cpu busy0 busy1 foreign reason bad
  local best_bad='' best='' best_reason='' best_attempt=''
  for attempt in 1 2 3 4; do
    eval "$prep"
    rm -f "$tfile" "$rfile"
    busy0=$(busy_seconds)
    if ! (cd "$dir" && CARGO_TARGET_DIR=$target RUSTC_WRAPPER=$wrapper \
          COMPILE_REPORT_CRATE=$crate COMPILE_REPORT_RSS=$rfile \
          /usr/bin/time -o "$tfile" -f '%e %U %S %M' cargo "$@") > "$log.$attempt.log" 2>&1; then
      tail -n 40 "$log.$attempt.log" >&2
      die "cargo $* failed in $dir (log: $log.$attempt.log)$hint"
    fi
    busy1=$(busy_seconds)
    read -r wall user sys rss < <(tail -n 1 "$tfile")
    cpu=$(calc "$user + $sys")
    foreign=$(calc "($busy1 - $busy0 - $cpu > 0) ? $busy1 - $busy0 - $cpu : 0")
    reason='' bad=0
    if grep -q 'Blocking waiting for file lock' "$log.$attempt.log"; then
      reason="another cargo held a lock" bad=1000
    elif grep -E '^ *Compiling ' "$log.$attempt.log" | grep -qvE "^ *Compiling $pkg v"; then
      reason="other crates were compiled too: $(grep -E '^ *Compiling ' "$log.$attempt.log" |
        grep -vE "^ *Compiling $pkg v" | awk '{print $2}' | tr '\n' ' ')" bad=1000
    elif [[ $step == noop && -s $rfile ]]; then
      reason="the no-op build recompiled the crate" bad=1000
    elif awk -v f="$foreign" -v w="$wall" 'BEGIN { exit !(f > 0.3 && f > 0.25 * w) }'; then
      reason=$(printf 'other processes used %.1f s of CPU meanwhile' "$foreign") bad=$foreign
    fi
    if [[ -z $best_bad ]] || awk -v a="$bad" -v b="$best_bad" 'BEGIN { exit !(a < b) }'; then
      best_bad=$bad best="$wall $cpu $foreign $rss" best_reason=$reason best_attempt=$attempt
      if [[ -s $rfile ]]; then cp "$rfile" "$rfile.kept"; else rm -f "$rfile.kept"; fi
      if [[ -n $measure_extra ]]; then rm -f "$measure_extra.kept"; cp "$measure_extra" "$measure_extra.kept" 2>/dev/null || true; fi
    fi
    if [[ -z $reason ]]; then break; fi
    if ((attempt < 4)); then
      echo "  ($tool $variant $step: $reason; measuring again)" >&2
      sleep 10
    fi
  done
  read -r wall cpu foreign rss <<< "$best"
  sample_no=$((sample_no + 1))
  local disturbed=0
  if [[ -n $best_reason ]]; then
    disturbed=1
    echo "  ($tool $variant $step: kept attempt $best_attempt, disturbed: $best_reason)" >&2
  fi
  sample wall "$wall"
  sample cpu "$cpu"
  sample foreign_cpu "$foreign"
  sample disturbed "$disturbed"
  sample cargo_rss "$(calc "$rss / 1024")"
  if [[ -s $rfile.kept ]]; then
    local r_rss r_user r_sys r_wall
    read -r r_rss r_user r_sys r_wall < <(grep -E '^[0-9]+ ' "$rfile.kept" | tail -n 1)
    sample rss "$(calc "$r_rss / 1024")"
    sample rustc_cpu "$(calc "$r_user + $r_sys")"
    sample rustc_wall "$r_wall"
  elif [[ $step != noop ]]; then
    die "$tool $variant $step: the crate was not recompiled (log: $log.$best_attempt.log)"
  fi
  printf '  %-10s %-8s %-9s wall %6.2f s  cpu %6.2f s  (others %4.1f s)\n' \
    "$tool" "$variant" "$step" "$wall" "$cpu" "$foreign" >&2
}

# unit_descope VARIANT SCRATCH ARGS...: check, build, no-op and spec-edit steps of one
# configuration (check first: a check touches lib.rs, so the no-op must follow the build).
unit_descope() {
  local variant=$1 name=$2; shift 2
  local dir=$out/descope-$name edit
  local lib=$dir/report-$name/src/lib.rs
  edit=$(spec_edit_file "$name")
  CARGO_INCREMENTAL=0 measure descope "$variant" check "touch '$lib'" "$dir" "$descope_target" descope_api check --lib "$@"
  CARGO_INCREMENTAL=0 measure descope "$variant" build "touch '$lib'" "$dir" "$descope_target" descope_api build --lib "$@"
  CARGO_INCREMENTAL=0 measure descope "$variant" noop : "$dir" "$descope_target" descope_api build --lib "$@"
  measure descope "$variant" specedit "printf '\n' >> '$edit'" "$dir" "$descope_target" descope_api build --lib "$@"
}

# unit_progenitor main|small ARGS...: the same steps for the baseline; its "spec edit" touches
# the OpenAPI document, so the build script re-runs progenitor (its own timing is recorded too).
unit_progenitor() {
  local variant=$1; shift
  local docfile=$bench/openapi.json lib=$bench/src/lib.rs
  if [[ $variant == small ]]; then docfile=$bench/openapi-small.json; fi
  CARGO_INCREMENTAL=0 measure progenitor "$variant" check "touch '$lib'" "$bench" "$prog_target" progenitor_baseline check --lib "$@"
  CARGO_INCREMENTAL=0 measure progenitor "$variant" build "touch '$lib'" "$bench" "$prog_target" progenitor_baseline build --lib "$@"
  CARGO_INCREMENTAL=0 measure progenitor "$variant" noop : "$bench" "$prog_target" progenitor_baseline build --lib "$@"
  local gen=${prog_out_dir[$variant]}/generate-seconds
  measure_extra=$gen
  measure progenitor "$variant" specedit "rm -f '$gen'; touch '$docfile'" "$bench" "$prog_target" progenitor_baseline build --lib "$@"
  measure_extra=''
  [[ -s $gen.kept ]] || die "progenitor $variant: the build script did not re-run after its document was touched"
  printf 'progenitor\t%s\tspecedit\tgenerate\t%s\t%s\n' "$variant" "$(cat "$gen.kept")" "$sample_no" >> "$results"
}

# ---------------------------------------------------------------------------------------------
# 1. Set up: scratch copies, pruned documents, baseline crate
# ---------------------------------------------------------------------------------------------
if ((snapshot)); then
  hint=
else
  hint="; if the workspace is being edited meanwhile, retry later or run with --snapshot"
fi
if ((snapshot)); then
  # The workspace's files as git sees them (tracked, and untracked but not ignored), with their
  # mtimes, so that unchanged crates stay fresh from one run to the next.
  say "snapshot of the workspace in $src"
  rm -rf "$src"
  mkdir -p "$src"
  (cd "$root" && GIT_OPTIONAL_LOCKS=0 git ls-files -z -c -o --exclude-standard |
    xargs -0 cp --parents -p -P -t "$src" 2>/dev/null) || true
  [[ -f $src/Cargo.toml && -d $spec ]] || die "could not copy the workspace to $src"
fi
say "operations: subset '$subset' and small subset '$small'"
make_scratch main "$subset"
make_scratch small "$small"
write_baseline
python3 "$helper" openapi "$doc" "$spec" "$subset" "$bench/openapi.json" > "$out/progenitor-main.json"
python3 "$helper" openapi "$doc" "$spec" "$small" "$bench/openapi-small.json" > "$out/progenitor-small.json"
python3 "$helper" summary "$out" >&2

# descope-api feature sets that exist.
features=$(cd "$out/descope-main" && cargo metadata --format-version 1 --no-deps 2>/dev/null |
  python3 -c 'import json,sys; m=json.load(sys.stdin); print(" ".join(next(p for p in m["packages"] if p["name"]=="descope-api")["features"]))')
# The first is the one compared with progenitor: `--all-features` where the crate has features
# (spec areas are features, and the subset's every operation must be compiled), else the default.
if [[ -n $features ]]; then
  variants=("allfeat|--all-features")
  if ((quick)); then
    note "--quick: one feature set only (\`--all-features\`, the one compared)"
  else
    variants+=("default|")
    if [[ " $features " == *" auth "* ]]; then
      variants+=("auth|--no-default-features --features auth")
    else
      note "descope-api has no \`auth\` feature: \`--no-default-features --features auth\` skipped"
    fi
  fi
else
  variants=("default|")
  note "descope-api declares no features: \`--all-features\` and \`--features auth\` are the default build, not measured again"
fi
IFS='|' read -r cmp_name cmp_args <<< "${variants[0]}"
printf '%s\n' "${variants[@]}" > "$out/variants.txt"

# ---------------------------------------------------------------------------------------------
# 2. Warm-up (not measured): dependencies, proc macros, build scripts, for every configuration
# ---------------------------------------------------------------------------------------------
say "warm-up: building dependencies (first run: downloads and builds progenitor)"
for v in "${variants[@]}"; do
  IFS='|' read -r vname vargs <<< "$v"
  # shellcheck disable=SC2086
  for inc in 0 1; do
    CARGO_INCREMENTAL=$inc run_cargo "$out/logs/warm-descope-$vname-build$inc.log" "$out/descope-main" "$descope_target" descope_api build --lib $vargs
  done
  # shellcheck disable=SC2086
  CARGO_INCREMENTAL=0 run_cargo "$out/logs/warm-descope-$vname-check.log" "$out/descope-main" "$descope_target" descope_api check --lib $vargs
done
for inc in 0 1; do
  # shellcheck disable=SC2086
  CARGO_INCREMENTAL=$inc run_cargo "$out/logs/warm-descope-small-build$inc.log" "$out/descope-small" "$descope_target" descope_api build --lib $cmp_args
done
# shellcheck disable=SC2086
CARGO_INCREMENTAL=0 run_cargo "$out/logs/warm-descope-small-check.log" "$out/descope-small" "$descope_target" descope_api check --lib $cmp_args
for f in "" "--features=small"; do
  for inc in 0 1; do
    # shellcheck disable=SC2086
    CARGO_INCREMENTAL=$inc run_cargo "$out/logs/warm-progenitor${f:+-small}-build$inc.log" "$bench" "$prog_target" progenitor_baseline build --lib $f --message-format=json-render-diagnostics
  done
  # shellcheck disable=SC2086
  CARGO_INCREMENTAL=0 run_cargo "$out/logs/warm-progenitor${f:+-small}-check.log" "$bench" "$prog_target" progenitor_baseline check --lib $f
done

# The baseline's OUT_DIRs (from cargo's JSON messages): CARGO_INCREMENTAL=0 and =1 builds have
# their own. Generated lines: its build script's codegen.rs.
out_dir_of() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        m = json.loads(line)
        if m.get("reason") == "build-script-executed" and "progenitor-baseline" in m["package_id"]:
            print(m["out_dir"])' "$1" | tail -n 1
}
declare -A prog_out_dir
for which in main small; do
  prefix=$out/logs/warm-progenitor
  if [[ $which == small ]]; then prefix=$out/logs/warm-progenitor-small; fi
  outdir=$(out_dir_of "$prefix-build0.log")
  prog_out_dir[$which]=$(out_dir_of "$prefix-build1.log")
  [[ -s $outdir/codegen.rs && -n ${prog_out_dir[$which]} ]] || die "no codegen.rs from the baseline's build script"
  wc -l < "$outdir/codegen.rs" > "$out/progenitor-$which.lines"
  cp "$outdir/codegen.rs" "$out/progenitor-$which-codegen.rs"
done
# descope-api: `descope-codegen expand` of the scratch spec folders, where that command exists.
for which in main small; do
  rm -f "$out/descope-$which.lines"
  if (cd "$src" && CARGO_TARGET_DIR=$descope_target cargo run -q -p descope-codegen -- \
        expand "$out/descope-$which/report-$which/spec") > "$out/descope-$which-expanded.rs" \
        2> "$out/logs/expand-$which.log"; then
    wc -l < "$out/descope-$which-expanded.rs" > "$out/descope-$which.lines"
  else
    note "\`cargo run -p descope-codegen -- expand\` failed or is missing: no generated-lines figure for descope-api ($which; log: $out/logs/expand-$which.log)"
  fi
done

# ---------------------------------------------------------------------------------------------
# 3. Rounds: descope, progenitor, descope, progenitor, ...
# ---------------------------------------------------------------------------------------------
for ((round = 1; round <= rounds; round++)); do
  say "round $round of $rounds"
  # shellcheck disable=SC2086
  unit_descope "$cmp_name" main $cmp_args
  unit_progenitor main
  # shellcheck disable=SC2086
  unit_descope small small $cmp_args
  unit_progenitor small --features=small
  for v in "${variants[@]:1}"; do
    IFS='|' read -r vname vargs <<< "$v"
    # shellcheck disable=SC2086
    unit_descope "$vname" main $vargs
  done
done

# ---------------------------------------------------------------------------------------------
# 3b. --instructions: one clean build of each compared crate under callgrind
# ---------------------------------------------------------------------------------------------
# count_instructions TOOL VARIANT LIB DIR TARGET CRATE ARGS...: `touch LIB`, one
# `cargo build --lib ARGS`, and the instructions of the crate's rustc as a results.tsv sample.
count_instructions() {
  local tool=$1 variant=$2 lib=$3 dir=$4 target=$5 crate=$6; shift 6
  local profile=$out/callgrind-$tool-$variant.out log=$out/logs/$tool-$variant-callgrind.log total
  rm -f "$profile"
  touch "$lib"
  CARGO_INCREMENTAL=0 COMPILE_REPORT_CALLGRIND=$profile \
    run_cargo "$log" "$dir" "$target" "$crate" build --lib "$@"
  total=$(awk '$1 == "totals:" || $1 == "summary:" { print $2; exit }' "$profile" 2>/dev/null)
  [[ $total =~ ^[0-9]+$ ]] || die "$tool $variant: no instruction count in $profile (log: $log)"
  sample_no=$((sample_no + 1))
  printf '%s\t%s\tcallgrind\tinstructions\t%s\t%s\n' "$tool" "$variant" "$total" "$sample_no" >> "$results"
  printf '  %-10s %-8s build under callgrind: %s instructions\n' "$tool" "$variant" "$total" >&2
}
if ((instructions)); then
  say "instructions (callgrind)"
  # shellcheck disable=SC2086
  count_instructions descope "$cmp_name" "$out/descope-main/report-main/src/lib.rs" \
    "$out/descope-main" "$descope_target" descope_api $cmp_args
  count_instructions progenitor main "$bench/src/lib.rs" "$bench" "$prog_target" progenitor_baseline
  # shellcheck disable=SC2086
  count_instructions descope small "$out/descope-small/report-small/src/lib.rs" \
    "$out/descope-small" "$descope_target" descope_api $cmp_args
  count_instructions progenitor small "$bench/src/lib.rs" "$bench" "$prog_target" progenitor_baseline \
    --features=small
fi

# ---------------------------------------------------------------------------------------------
# 4. Report
# ---------------------------------------------------------------------------------------------
say "report"
python3 "$helper" report "$out" "$rounds" "$subset" "$small"
