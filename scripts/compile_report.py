#!/usr/bin/env python3
"""Helpers for scripts/compile-report.sh (see that script's header for the whole picture).

Subcommands (all paths are given by the caller; nothing here writes into git-tracked files):

  ops SPEC_DIR SUBSET
      Print the HTTP operations the subset of descope-api's spec covers, one `METHOD PATH` a line.
      Enum-typed path parameters are expanded over the enum's values (`/v1/auth/otp/signin/{method}`
      becomes `.../email`, `.../sms`, ...); other placeholders stay placeholders.

  descope-spec SPEC_DIR SUBSET OUT_DIR
      Copy the subset's spec files into OUT_DIR (a scratch crate's `spec/`): the subset's endpoint
      files, every file that only declares types, every `area.json`, and `schema.json`.
      Prints a JSON summary (files, endpoints, operations).

  openapi DOC SPEC_DIR SUBSET OUT_JSON
      Prune Descope's OpenAPI document DOC (YAML) to the subset's operations and the components
      they reach, repair what progenitor refuses, write the result as JSON to OUT_JSON and print a
      JSON summary (operations, schemas, repairs per kind, unmatched operations).

  scratch-manifest ROOT CRATE_DIR SCRATCH_DIR CRATE_REL
      Write SCRATCH_DIR/Cargo.toml (ROOT's workspace manifest with the copied crate, at CRATE_REL,
      as its only member) and SCRATCH_DIR/CRATE_REL/Cargo.toml (the crate's manifest), relative
      path dependencies made absolute so that they point back at ROOT's crates.

  needs SPEC_DIR BUILD_LOG
      The spec files (comma-separated) a scratch crate's failed build lacks: groups or types the
      crate's hand-written code uses (from rustc's errors in BUILD_LOG).

  summary OUT_DIR
      Print what the subsets hold and which repairs were made (from the JSON files in OUT_DIR).

  report OUT_DIR ROUNDS SUBSET SMALL_SUBSET
      Turn OUT_DIR/results.tsv (and the JSON summaries beside it) into the Markdown report:
      medians, ratios, marginal cost per operation; print it and write OUT_DIR/report.md.

Repairs of the pruned document (each counted in the summary and the report): an operation
without `responses` gets a bare 200; a duplicate operationId gets a `_2` suffix; a `default` of
the wrong type for its schema (an object defaulting to `false`) is dropped; a `$ref` to a schema
the document lacks becomes an untyped schema; of two parameters of an operation, or properties of
a schema, whose names collide after snake_case (`loginHint`/`login_hint`), the later is dropped.

Subsets: `otp` (the spec file named otp.json), `auth` (everything under spec/auth), `all`
(everything), or any other folder or file path relative to the spec folder.
"""

import copy
import json
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


# --------------------------------------------------------------------------------------------
# descope-api spec files
# --------------------------------------------------------------------------------------------

def spec_files(spec_dir):
    """Every spec JSON file under spec_dir (schema.json excluded), sorted, with its parsed body."""
    out = []
    for path in sorted(Path(spec_dir).rglob("*.json")):
        if path.name == "schema.json":
            continue
        with open(path) as f:
            out.append((path, json.load(f)))
    return out


def subset_files(spec_dir, subset):
    """The endpoint-declaring files of a subset (parts separated by commas are joined)."""
    if "," in subset:
        seen, out = set(), []
        for part in subset.split(","):
            for p, d in subset_files(spec_dir, part):
                if p not in seen:
                    seen.add(p)
                    out.append((p, d))
        return out
    spec_dir = Path(spec_dir)
    files = [(p, d) for p, d in spec_files(spec_dir) if d.get("endpoints")]
    if subset == "all":
        return files
    if subset == "otp":
        chosen = [(p, d) for p, d in files if p.name == "otp.json"]
        # Prefer spec/auth/otp.json should another otp.json ever appear.
        chosen.sort(key=lambda pd: (pd[0].relative_to(spec_dir).as_posix() != "auth/otp.json"))
        if not chosen:
            sys.exit("compile_report: no otp.json under %s" % spec_dir)
        return chosen[:1]
    target = spec_dir / subset
    if target.is_file():
        return [(p, d) for p, d in files if p == target]
    if target.is_dir():
        return [(p, d) for p, d in files if target in p.parents]
    sys.exit("compile_report: unknown subset %r (otp, auth, all, or a folder/file under %s)"
             % (subset, spec_dir))


def enum_values(spec_dir):
    """Enum types declared in any spec file: name -> [wire values]."""
    enums = {}
    for _, d in spec_files(spec_dir):
        for t in d.get("types", []) or []:
            if "enum" in t:
                enums[t["name"]] = [v["value"] if isinstance(v, dict) else v for v in t["enum"]]
    return enums


def operations(spec_dir, subset):
    """[(METHOD, path, spec file, endpoint name)] for the subset, enum path params expanded."""
    enums = enum_values(spec_dir)
    ops = []
    for path, d in subset_files(spec_dir, subset):
        for e in d.get("endpoints", []):
            paths = [e["path"]]
            for pp in e.get("path_params", []) or []:
                values = enums.get(pp.get("type"))
                if values and pp.get("source") is None:
                    paths = [p.replace("{%s}" % pp["name"], v) for p in paths for v in values]
            for p in paths:
                ops.append((e["method"].upper(), p, path, e.get("name")))
    return ops


def copy_descope_spec(spec_dir, subset, out_dir):
    spec_dir, out_dir = Path(spec_dir), Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    chosen = {p for p, _ in subset_files(spec_dir, subset)}
    for path in sorted(spec_dir.rglob("*.json")):
        if path.name in ("schema.json", "area.json") or path in chosen:
            keep = True
        else:
            with open(path) as f:
                keep = not json.load(f).get("endpoints")  # types-only file
        if keep:
            dest = out_dir / path.relative_to(spec_dir)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    endpoints = sum(len(d.get("endpoints", [])) for p, d in subset_files(spec_dir, subset))
    return {"files": sorted(p.relative_to(spec_dir).as_posix() for p in chosen),
            "endpoints": endpoints, "operations": len(operations(spec_dir, subset))}


# --------------------------------------------------------------------------------------------
# The OpenAPI document
# --------------------------------------------------------------------------------------------

def norm_path(p):
    return re.sub(r"\{[^}]*\}", "{}", p)


def snake(name):
    """heck-style snake_case (what typify names struct fields after)."""
    words = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name):
        words += re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z0-9]+", chunk)
    return "_".join(w.lower() for w in words)


def walk(node, fn):
    """Call fn on every dict in node (depth first)."""
    if isinstance(node, dict):
        fn(node)
        for v in list(node.values()):
            walk(v, fn)
    elif isinstance(node, list):
        for v in node:
            walk(v, fn)


def refs_in(node):
    found = []
    walk(node, lambda d: found.append(d["$ref"]) if isinstance(d.get("$ref"), str) else None)
    return found


TYPE_CHECKS = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def prune_openapi(doc_path, spec_dir, subset):
    import yaml  # installed by compile-report.sh when missing

    with open(doc_path) as f:
        doc = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    repairs = {
        "operation without responses (added a bare 200)": 0,
        "duplicate operationId (renamed)": 0,
        "default of the wrong type (dropped)": 0,
        "missing schema referenced (its $refs made untyped)": 0,
        "parameters or properties colliding after snake_case (dropped one)": 0,
    }
    details = []

    index = {}
    for p, item in doc["paths"].items():
        for m, op in item.items():
            if m in HTTP_METHODS:
                index.setdefault((m.upper(), norm_path(p)), []).append((p, m))

    wanted = operations(spec_dir, subset)
    paths, unmatched, seen = {}, [], set()
    for method, p, file, name in wanted:
        hits = index.get((method, norm_path(p)))
        if not hits:
            unmatched.append("%s %s (%s %s)" % (method, p, Path(file).name, name))
            continue
        dp, m = hits[0]
        if (dp, m) in seen:
            continue
        seen.add((dp, m))
        src_item = doc["paths"][dp]
        item = paths.setdefault(dp, {k: copy.deepcopy(v) for k, v in src_item.items()
                                     if k not in HTTP_METHODS})
        item[m] = copy.deepcopy(src_item[m])

    # Repairs on operations.
    op_ids = {}
    for dp, item in paths.items():
        for m, op in item.items():
            if m not in HTTP_METHODS:
                continue
            if not op.get("responses"):
                op["responses"] = {"200": {"description": "OK"}}
                repairs["operation without responses (added a bare 200)"] += 1
                details.append("no responses: %s %s" % (m.upper(), dp))
            oid = op.get("operationId") or re.sub(r"\W+", "_", "%s_%s" % (m, dp))
            if oid in op_ids:
                n = 2
                while "%s_%d" % (oid, n) in op_ids:
                    n += 1
                new = "%s_%d" % (oid, n)
                details.append("duplicate operationId %s: %s %s -> %s" % (oid, m.upper(), dp, new))
                repairs["duplicate operationId (renamed)"] += 1
                oid = new
            op["operationId"] = oid
            op_ids[oid] = (m, dp)

    # Reachable components (transitively).
    components = doc.get("components", {})
    keep = {}

    def want(ref):
        m = re.match(r"#/components/([^/]+)/(.+)$", ref)
        if not m:
            return
        kind, name = m.group(1), m.group(2).replace("~1", "/").replace("~0", "~")
        if name in keep.setdefault(kind, {}):
            return
        target = components.get(kind, {}).get(name)
        if target is None:
            return
        keep[kind][name] = copy.deepcopy(target)
        for r in refs_in(target):
            want(r)

    for r in refs_in(paths):
        want(r)

    pruned = {
        "openapi": doc.get("openapi", "3.0.3"),
        "info": doc.get("info", {"title": "Descope API", "version": "0"}),
        "servers": doc.get("servers", [])[:1],
        "paths": paths,
        "components": {k: v for k, v in keep.items() if v},
    }

    # Repairs on schemas (and inline schemas in operations).
    schemas = pruned["components"].get("schemas", {})

    def fix_schema(node):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref[len("#/components/schemas/"):]
            if name not in schemas:
                del node["$ref"]
                if name not in missing:
                    repairs["missing schema referenced (its $refs made untyped)"] += 1
                missing[name] = missing.get(name, 0) + 1
        ty = node.get("type")
        if "default" in node and isinstance(ty, str) and ty in TYPE_CHECKS:
            if not TYPE_CHECKS[ty](node["default"]):
                details.append("default %r on a %s" % (node["default"], ty))
                del node["default"]
                repairs["default of the wrong type (dropped)"] += 1
        props = node.get("properties")
        if isinstance(props, dict) and ty in (None, "object"):
            by_snake = {}
            for name in list(props):
                s = snake(name)
                if s in by_snake:
                    details.append("property %s collides with %s (%s): dropped %s"
                                   % (name, by_snake[s], s, name))
                    del props[name]
                    if isinstance(node.get("required"), list) and name in node["required"]:
                        node["required"].remove(name)
                    repairs["parameters or properties colliding after snake_case (dropped one)"] += 1
                else:
                    by_snake[s] = name

    missing = {}
    walk(pruned, fix_schema)
    for name, n in missing.items():
        details.append("missing schema %s (%d $ref%s)" % (name, n, "s" if n > 1 else ""))

    # Parameters of one operation whose names collide after snake_case (progenitor makes them
    # arguments of one function): keep the first.
    params = pruned["components"].get("parameters", {})
    for dp, item in paths.items():
        for m, op in item.items():
            if m not in HTTP_METHODS:
                continue
            for holder in (item, op):
                if not isinstance(holder.get("parameters"), list):
                    continue
                kept = []
                for prm in holder["parameters"]:
                    real = prm
                    ref = prm.get("$ref", "")
                    if ref.startswith("#/components/parameters/"):
                        real = params.get(ref.split("/")[-1], {})
                    key = (real.get("in"), snake(real.get("name", "")))
                    clash = [k for k in kept if k[0] == key]
                    if real.get("name") and clash:
                        details.append("parameter %s collides with %s (%s) in %s %s: dropped %s"
                                       % (real["name"], clash[0][1], key[1], m.upper(), dp,
                                          real["name"]))
                        repairs["parameters or properties colliding after snake_case (dropped one)"] += 1
                        continue
                    kept.append((key, real.get("name"), prm))
                holder["parameters"] = [k[2] for k in kept]
    n_ops = sum(1 for item in paths.values() for m in item if m in HTTP_METHODS)
    return pruned, {
        "subset": subset,
        "operations": n_ops,
        "wanted": len(wanted),
        "unmatched": unmatched,
        "schemas": len(schemas),
        "repairs": repairs,
        "details": details,
    }


# --------------------------------------------------------------------------------------------
# The scratch workspace's manifests
# --------------------------------------------------------------------------------------------

DEP_SECTION = re.compile(r"(^|\.)((dev|build)-)?dependencies($|\.)")


def rewrite_dep_paths(text, src_dir, crate_dir, crate_rel):
    """Make relative `path = "..."` of dependency tables absolute (resolved from src_dir), except
    the copied crate itself, which becomes crate_rel (its place in the scratch workspace)."""
    out, section = [], ""
    for line in text.splitlines(keepends=True):
        m = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if m:
            section = m.group(1).replace('"', "")
        elif DEP_SECTION.search(section):
            def fix(mm):
                p = mm.group(2)
                if not os.path.isabs(p):
                    p = os.path.normpath(os.path.join(src_dir, p))
                if os.path.normpath(p) == os.path.normpath(crate_dir):
                    p = crate_rel
                return mm.group(1) + p + mm.group(3)
            line = re.sub(r'(\bpath\s*=\s*")([^"]+)(")', fix, line)
        out.append(line)
    return "".join(out)


def scratch_manifests(root, crate_dir, scratch, crate_rel):
    """scratch/Cargo.toml: the workspace root manifest with the copied crate (at crate_rel) as its
    only member; scratch/<crate_rel>/Cargo.toml: the crate's manifest with its path dependencies
    made absolute."""
    root, crate_dir, scratch = (os.path.abspath(p) for p in (root, crate_dir, scratch))
    crate_name = crate_rel
    with open(os.path.join(root, "Cargo.toml")) as f:
        text = f.read()
    for key in ("members", "exclude", "default-members"):
        text = re.sub(r"(?ms)^%s\s*=\s*\[.*?\]\s*$\n?" % re.escape(key), "", text)
    text = re.sub(r"(?m)^\[workspace\]\s*$",
                  '[workspace]\n# Scratch copy written by scripts/compile-report.sh.\nmembers = ["%s"]'
                  % crate_name, text, count=1)
    text = rewrite_dep_paths(text, root, crate_dir, crate_name)
    with open(os.path.join(scratch, "Cargo.toml"), "w") as f:
        f.write(text)
    with open(os.path.join(crate_dir, "Cargo.toml")) as f:
        text = f.read()
    text = rewrite_dep_paths(text, crate_dir, crate_dir, ".")
    with open(os.path.join(scratch, crate_name, "Cargo.toml"), "w") as f:
        f.write(text)


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------

def load_json(path):
    with open(path) as f:
        return json.load(f)


def read_lines_figure(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def summary(out):
    """A few lines on stderr about the subsets and the repairs (before anything is built)."""
    lines = []
    for which in ("main", "small"):
        d = load_json(os.path.join(out, "descope-%s.json" % which))
        p = load_json(os.path.join(out, "progenitor-%s.json" % which))
        lines.append("%s subset `%s`: descope-api %d spec files, %d endpoints = %d operations; "
                     "progenitor document %d operations, %d schemas"
                     % (which, p["subset"], len(d["files"]), d["endpoints"], d["operations"],
                        p["operations"], p["schemas"]))
        for u in p["unmatched"]:
            lines.append("  not in the OpenAPI document (left out of the baseline): %s" % u)
        for kind, n in p["repairs"].items():
            if n:
                lines.append("  repair: %s: %d" % (kind, n))
        for det in p["details"]:
            lines.append("    %s" % det)
    print("\n".join(lines))


def fmt(v, unit):
    if v is None:
        return "–"
    if unit == "s":
        return "%.2f s" % v
    if unit == "MiB":
        return "%.0f MiB" % v
    if unit == "lines":
        return "%.0f" % v
    if unit == "ms/op":
        return "%.1f ms/op" % v
    if unit == "G":
        return "%.2f G" % (v / 1e9)
    if unit == "M/op":
        return "%.1f M/op" % (v / 1e6)
    return str(v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return "%.2f×" % (a / b)


def make_report(out, rounds, subset, small):
    import datetime
    import subprocess

    # steps[(tool, variant, step)][sample number][metric] = value
    steps = {}
    with open(os.path.join(out, "results.tsv")) as f:
        for line in f:
            if line.strip():
                tool, variant, step, metric, value, n = line.rstrip("\n").split("\t")
                steps.setdefault((tool, variant, step), {}).setdefault(int(n), {})[metric] = float(value)

    def kept(key):
        """A step's samples for the medians: the undisturbed ones, or all when none is."""
        runs = list(steps.get(key, {}).values())
        clean = [r for r in runs if not r.get("disturbed")]
        return clean or runs

    def med(tool, variant, step, metric):
        v = [r[metric] for r in kept((tool, variant, step)) if metric in r]
        return statistics.median(v) if v else None

    samples = {}  # (tool, variant, step, metric) -> values of the kept samples, in order
    for key in steps:
        for r in kept(key):
            for metric, value in r.items():
                samples.setdefault(key + (metric,), []).append(value)

    d_main = load_json(os.path.join(out, "descope-main.json"))
    d_small = load_json(os.path.join(out, "descope-small.json"))
    p_main = load_json(os.path.join(out, "progenitor-main.json"))
    p_small = load_json(os.path.join(out, "progenitor-small.json"))
    d_lines = read_lines_figure(os.path.join(out, "descope-main.lines"))
    p_lines = read_lines_figure(os.path.join(out, "progenitor-main.lines"))
    d_ops, p_ops = d_main["operations"], p_main["operations"]
    with open(os.path.join(out, "variants.txt")) as f:
        variants = [line.rstrip("\n").split("|", 1) for line in f if line.strip()]
    with open(os.path.join(out, "notes.txt")) as f:
        notes = [line.strip() for line in f if line.strip()]
    try:
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rustc = "rustc ?"

    o = []
    o.append("## Compile cost: descope-api vs progenitor 0.14 (positional)")
    o.append("")
    cmp_name, cmp_args = variants[0]
    missing = len(p_main["unmatched"])
    o.append("%s, %s, %d core(s); %d round(s), medians. Subset `%s`: descope-api %d spec files, "
             "%d endpoints = %d HTTP operations, built with %s; progenitor: %s%d operations and "
             "the %d component schemas they reach."
             % (datetime.date.today().isoformat(), rustc, os.cpu_count() or 0, int(rounds), subset,
                len(d_main["files"]), d_main["endpoints"], d_ops,
                "`%s`" % cmp_args if cmp_args else "default features",
                "the same " if not missing else
                "the same operations less %d the OpenAPI document lacks (listed below), " % missing,
                p_ops, p_main["schemas"]))
    o.append("")
    o.append("Only the one crate is compiled in each step (dependencies, proc macros and progenitor's "
             "build script are warm). Wall and CPU (user+sys) are of the whole `cargo` call; RSS and "
             "rustc CPU are of the crate's own `rustc` process. Build and check: `touch src/lib.rs`, "
             "CARGO_INCREMENTAL=0. Spec edit: descope-api, a newline appended to a spec file; "
             "progenitor, its OpenAPI document touched, so the generator re-runs; incremental on. "
             "Both crates use the same HTTP stack: progenitor's crate depends on descope-api's "
             "reqwest and rustls (TLS with ring, HTTP/2), plus the reqwest features it needs.")
    o.append("")
    o.append("| measure | descope-api | progenitor | descope / progenitor |")
    o.append("|---|---:|---:|---:|")
    rows = [
        ("clean crate build, wall", "build", "wall", "s"),
        ("clean crate build, CPU", "build", "cpu", "s"),
        ("clean crate build, rustc CPU", "build", "rustc_cpu", "s"),
        ("peak rustc RSS, build", "build", "rss", "MiB"),
        ("clean crate build, rustc instructions (callgrind, one build)", "callgrind", "instructions", "G"),
        ("`cargo check`, wall", "check", "wall", "s"),
        ("`cargo check`, CPU", "check", "cpu", "s"),
        ("peak rustc RSS, check", "check", "rss", "MiB"),
        ("no-op rebuild, wall", "noop", "wall", "s"),
        ("rebuild after a spec edit, wall", "specedit", "wall", "s"),
        ("rebuild after a spec edit, CPU", "specedit", "cpu", "s"),
    ]
    for label, step, metric, unit in rows:
        d, p = med("descope", cmp_name, step, metric), med("progenitor", "main", step, metric)
        if d is not None or p is not None:
            o.append("| %s | %s | %s | %s |" % (label, fmt(d, unit), fmt(p, unit), ratio(d, p)))
    gen = med("progenitor", "main", "specedit", "generate")
    if gen is not None:
        o.append("| code generation outside rustc (progenitor: build script) | – | %s | – |"
                 % fmt(gen, "s"))
    d_lpo = d_lines / d_ops if d_lines and d_ops else None
    p_lpo = p_lines / p_ops if p_lines and p_ops else None
    o.append("| generated lines (prettyplease) | %s | %s | %s |"
             % (fmt(d_lines, "lines"), fmt(p_lines, "lines"), ratio(d_lines, p_lines)))
    o.append("| generated lines per operation | %s | %s | %s |"
             % (fmt(d_lpo, "lines"), fmt(p_lpo, "lines"), ratio(d_lpo, p_lpo)))
    d_eps = d_main["endpoints"]
    if d_lines and d_eps:
        o.append("| generated lines per endpoint (descope-api: %d spec endpoints) | %.1f | – | – |"
                 % (d_eps, d_lines / d_eps))

    ds_ops, ps_ops = d_small["operations"], p_small["operations"]
    o.append("")
    if subset != small and d_ops != ds_ops and p_ops != ps_ops:
        o.append("Marginal cost per operation = (time(`%s`) − time(`%s`)) / (ops(`%s`) − ops(`%s`)); "
                 "`%s`: descope-api %d operations (%d endpoints), progenitor %d:"
                 % (subset, small, subset, small, small, ds_ops, d_small["endpoints"], ps_ops))
        o.append("")
        o.append("| measure | descope-api `%s` | progenitor `%s` | descope-api per op | progenitor per op | descope / progenitor |"
                 % (small, small))
        o.append("|---|---:|---:|---:|---:|---:|")
        for label, step, metric in [("clean build, wall", "build", "wall"),
                                     ("clean build, CPU", "build", "cpu"),
                                     ("peak rustc RSS, build", "build", "rss"),
                                     ("clean build, rustc instructions", "callgrind", "instructions"),
                                     ("`cargo check`, wall", "check", "wall"),
                                     ("`cargo check`, CPU", "check", "cpu")]:
            per = []
            smalls = []
            for tool, big_v, n_big, n_small in [("descope", cmp_name, d_ops, ds_ops),
                                                 ("progenitor", "main", p_ops, ps_ops)]:
                big, sm = med(tool, big_v, step, metric), med(tool, "small", step, metric)
                smalls.append(sm)
                per.append((big - sm) / (n_big - n_small) if big is not None and sm is not None else None)
            if per[0] is None and per[1] is None:
                continue
            if metric == "instructions":
                cells = [fmt(smalls[0], "G"), fmt(smalls[1], "G"),
                         fmt(per[0], "M/op"), fmt(per[1], "M/op")]
            elif metric == "rss":
                cells = [fmt(smalls[0], "MiB"), fmt(smalls[1], "MiB"),
                         "–" if per[0] is None else "%.2f MiB/op" % per[0],
                         "–" if per[1] is None else "%.2f MiB/op" % per[1]]
            else:
                cells = [fmt(smalls[0], "s"), fmt(smalls[1], "s"),
                         fmt(None if per[0] is None else per[0] * 1000, "ms/op"),
                         fmt(None if per[1] is None else per[1] * 1000, "ms/op")]
            o.append("| %s | %s | %s |" % (label, " | ".join(cells), ratio(per[0], per[1])))
    else:
        o.append("No marginal cost per operation: the subset is the small subset `%s`." % small)

    if len(variants) > 1:
        o.append("")
        o.append("descope-api feature sets (subset `%s`):" % subset)
        o.append("")
        o.append("| features | build wall | build CPU | peak RSS | check wall | spec-edit rebuild |")
        o.append("|---|---:|---:|---:|---:|---:|")
        for name, args in variants:
            o.append("| %s | %s | %s | %s | %s | %s |" % (
                "`%s`" % args if args else "default",
                fmt(med("descope", name, "build", "wall"), "s"), fmt(med("descope", name, "build", "cpu"), "s"),
                fmt(med("descope", name, "build", "rss"), "MiB"), fmt(med("descope", name, "check", "wall"), "s"),
                fmt(med("descope", name, "specedit", "wall"), "s")))

    o.append("")
    o.append("Repairs to the pruned OpenAPI document (`%s` / `%s`) so that progenitor accepts it:" % (subset, small))
    o.append("")
    for kind in p_main["repairs"]:
        o.append("- %s: %d / %d" % (kind, p_main["repairs"][kind], p_small["repairs"].get(kind, 0)))
    for p in (p_main, p_small):
        if p["unmatched"]:
            o.append("- operations of descope-api's spec not in the document (left out): %s"
                     % ", ".join(p["unmatched"]))
    # Samples are appended in the same order for every metric of a step, so they pair up.
    diffs = [(k[:3], abs(a - b)) for k in samples if k[3] == "rss"
             for a, b in zip(samples[k], samples.get(k[:3] + ("cargo_rss",), []))]
    if diffs:
        off = sorted({"%s %s %s" % key for key, d in diffs if d >= 1})
        if not off:
            notes.append("Peak RSS cross-check: `/usr/bin/time` on the cargo call (max over cargo and "
                         "its children) equals the crate rustc's own peak in all %d samples, so the "
                         "largest process is that rustc." % len(diffs))
        else:
            notes.append("Peak RSS cross-check: cargo's %%M (max over its children) equals the crate "
                         "rustc's own peak in %d of %d samples; in the others (%s) a larger process "
                         "ran (up to %.0f MiB more): the table gives rustc's own."
                         % (len(diffs) - len([d for _, d in diffs if d >= 1]), len(diffs),
                            ", ".join(off), max(d for _, d in diffs)))
    foreign = [v for k, vs in samples.items() if k[3] == "foreign_cpu" for v in vs]
    if any(k[3] == "instructions" for k in samples):
        notes.append("Instructions: one more clean build of each crate, its rustc under valgrind's "
                     "callgrind (--instructions); a count that neither load nor the machine's speed "
                     "moves, unlike seconds.")
    all_runs = [r for runs in steps.values() for r in runs.values() if "instructions" not in r]
    disturbed = [r for r in all_runs if r.get("disturbed")]
    only_disturbed = sorted("%s %s %s" % k for k in steps
                            if all(r.get("disturbed") for r in steps[k].values()))
    if foreign:
        notes.append("Load: a step is measured again (up to 4 attempts, the least disturbed kept) "
                     "when it waited for another cargo's lock, compiled other crates too, or other "
                     "processes used more than 0.3 s and a quarter of its wall time of CPU meanwhile. "
                     "%d of %d samples stayed disturbed; medians leave them out where a step has an "
                     "undisturbed sample%s. Other processes' CPU during the kept samples: median "
                     "%.2f s, max %.2f s. CPU figures are less affected by load than wall times."
                     % (len(disturbed), len(all_runs),
                        "" if not only_disturbed else
                        " (steps with disturbed samples only: %s)" % ", ".join(only_disturbed),
                        statistics.median(foreign), max(foreign)))
    if notes:
        o.append("")
        o.append("Notes:")
        o.append("")
        for n in notes:
            o.append("- %s" % n)
    text = "\n".join(o) + "\n"
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


def needed_files(spec_dir, log):
    """Spec files a failed build of a scratch crate lacks, from rustc's errors: groups the crate's
    own code calls (`no method named `session` found for reference `&client::Client``) and types
    it imports (`unresolved import `crate::auth::types::Jwk``)."""
    text = open(log, errors="replace").read()
    groups = set(re.findall(r"no method named `(\w+)` found for reference `&[\w:]*Client", text))
    types = set(re.findall(r"unresolved import `crate::[\w:]*::(\w+)`", text))
    types |= set(re.findall(r"cannot find type `(\w+)`", text))
    spec_dir = Path(spec_dir)
    out = []
    for p, d in spec_files(spec_dir):
        if not d.get("endpoints"):
            continue
        names = {t.get("name") for t in d.get("types", []) or []}
        if (d.get("group") or {}).get("name") in groups or names & types:
            out.append(p.relative_to(spec_dir).as_posix())
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "ops" and len(args) == 2:
        for method, p, _, _ in operations(*args):
            print(method, p)
    elif cmd == "descope-spec" and len(args) == 3:
        print(json.dumps(copy_descope_spec(*args)))
    elif cmd == "openapi" and len(args) == 4:
        doc, summ = prune_openapi(args[0], args[1], args[2])
        os.makedirs(os.path.dirname(os.path.abspath(args[3])), exist_ok=True)
        text = json.dumps(doc, indent=1) + "\n"
        try:
            with open(args[3]) as f:
                same = f.read() == text
        except OSError:
            same = False
        if not same:  # an unchanged document keeps its mtime: the build script need not re-run
            with open(args[3], "w") as f:
                f.write(text)
        print(json.dumps(summ))
    elif cmd == "scratch-manifest" and len(args) == 4:
        scratch_manifests(*args)
    elif cmd == "needs" and len(args) == 2:
        print(",".join(needed_files(*args)))
    elif cmd == "summary" and len(args) == 1:
        summary(args[0])
    elif cmd == "report" and len(args) == 4:
        make_report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
