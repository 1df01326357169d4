//! Expansion cost of the whole `descope-api/spec` folder: what the `generate!` macro does on
//! every build of descope-api.
//!
//! ```text
//! cargo bench -p descope-codegen --bench expand               # the full run (~20 s)
//! EXPAND_QUICK=1 cargo bench -p descope-codegen --bench expand
//! ```
//!
//! Times, as medians over many iterations: loading the folder (`Spec::read`: read and parse
//! every file), checking and resolving it (`resolve`), expanding it (`generate`), all of it
//! together (`expand_dir`, the macro's work; target < 150 ms), and pretty-printing the result
//! (`format`, which the macro does not do). Then each file on its own: the folder resolved
//! once, `generate_file(&api, FileId(i), ..)` per file. Last, generated lines per endpoint.
//! Figures are reported, never asserted.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use descope_codegen::spec::{Ctxt, FileId, Spec, resolve};
use descope_codegen::{Options, expand_dir, format, generate, generate_file};

/// How long one measured operation is repeated for, and the bounds on its iterations.
struct Budget {
    time: Duration,
    min_iterations: usize,
    max_iterations: usize,
}

/// Durations of `iterations` runs of `op`, after one warm-up run.
fn sample<T>(budget: &Budget, mut op: impl FnMut() -> T) -> Vec<Duration> {
    black_box(op());
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < budget.min_iterations
        || (times.len() < budget.max_iterations && started.elapsed() < budget.time)
    {
        let t = Instant::now();
        black_box(op());
        times.push(t.elapsed());
    }
    times
}

struct Stats {
    median: Duration,
    min: Duration,
    p90: Duration,
    n: usize,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let n = times.len();
    Stats {
        median: if n % 2 == 1 {
            times[n / 2]
        } else {
            (times[n / 2 - 1] + times[n / 2]) / 2
        },
        min: times[0],
        p90: times[(n * 9 / 10).min(n - 1)],
        n,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec")
}

fn main() {
    let quick = std::env::var_os("EXPAND_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let whole = Budget {
        time: Duration::from_secs(if quick { 1 } else { 2 }),
        min_iterations: if quick { 5 } else { 30 },
        max_iterations: 2_000,
    };
    let per_file = Budget {
        time: Duration::from_millis(if quick { 50 } else { 300 }),
        min_iterations: if quick { 5 } else { 50 },
        max_iterations: 5_000,
    };
    let dir = spec_dir();
    let display = "spec";
    let options = Options::default();

    let (api, diagnostics) = descope_codegen::spec::load_recovering(&dir, display);
    let endpoints = api.endpoints().count();
    println!(
        "descope-codegen expand bench{}: {} ({} files, {} areas, {} groups, {endpoints} \
         endpoints, {} types){}",
        if quick { " (EXPAND_QUICK)" } else { "" },
        dir.canonicalize().unwrap_or(dir.clone()).display(),
        api.files.len(),
        api.areas.len(),
        api.groups.len(),
        api.types.len(),
        if diagnostics.is_empty() {
            ", no problems".to_owned()
        } else {
            format!(
                ", {} problems (timed as the macro would see them)",
                diagnostics.0.len()
            )
        }
    );
    let spec_bytes: u64 = api
        .files
        .iter()
        .filter_map(|f| f.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let tokens = generate(&api, &options);
    let formatted = format(tokens.clone()).expect("the generated code parses");
    let lines = formatted.lines().count();
    println!(
        "  {spec_bytes} bytes of spec in; {} bytes, {lines} lines of formatted code out",
        formatted.len()
    );

    println!();
    println!("whole spec folder: medians (min, p90) over n iterations");
    println!(
        "  {:<52} {:>10} {:>10} {:>10} {:>6}",
        "phase", "median ms", "min ms", "p90 ms", "n"
    );
    let row = |name: &str, s: Stats| {
        println!(
            "  {:<52} {:>10.3} {:>10.3} {:>10.3} {:>6}",
            name,
            ms(s.median),
            ms(s.min),
            ms(s.p90),
            s.n
        );
        s
    };
    row(
        "load: read + parse every file (Spec::read)",
        stats(sample(&whole, || {
            let cx = Ctxt::new();
            let spec = Spec::read(&dir, display, &cx);
            (spec, cx.take())
        })),
    );
    let cx = Ctxt::new();
    let spec = Spec::read(&dir, display, &cx);
    drop(cx.take());
    row(
        "check + resolve (resolve)",
        stats(sample(&whole, || {
            let cx = Ctxt::new();
            let api = resolve(&spec, &cx);
            (api, cx.take())
        })),
    );
    row(
        "load + check + resolve (load_recovering)",
        stats(sample(&whole, || {
            descope_codegen::spec::load_recovering(&dir, display)
        })),
    );
    row(
        "expand (generate)",
        stats(sample(&whole, || generate(&api, &options))),
    );
    let total = row(
        "load + check + resolve + expand (expand_dir)",
        stats(sample(&whole, || expand_dir(&dir, display, &options))),
    );
    row(
        "format: parse + prettyplease (not done by the macro)",
        stats(sample(&whole, || format(tokens.clone()).expect("parses"))),
    );
    let target = Duration::from_millis(150);
    println!(
        "  whole-spec expansion (expand_dir) median {:.3} ms: target < {} ms {}",
        ms(total.median),
        target.as_millis(),
        if total.median < target {
            "meets"
        } else {
            "MISSES"
        }
    );

    println!();
    println!(
        "per file, folder resolved once: generate_file(&api, FileId(i), ..) medians (min) \
         over n iterations; formatted lines of each file's items"
    );
    println!(
        "  {:<28} {:>9} {:>11} {:>9} {:>6} {:>7} {:>11}",
        "file", "endpoints", "median µs", "min µs", "n", "lines", "lines/endp."
    );
    let mut sum_median = Duration::ZERO;
    let mut sum_lines = 0;
    for (i, file) in api.files.iter().enumerate() {
        let id = FileId(i);
        let s = stats(sample(&per_file, || generate_file(&api, id, &options)));
        let file_endpoints = file.group.map_or(0, |g| api.group(g).endpoints.len());
        let file_lines = format(generate_file(&api, id, &options))
            .map(|text| text.lines().count())
            .unwrap_or(0);
        sum_median += s.median;
        sum_lines += file_lines;
        println!(
            "  {:<28} {:>9} {:>11.1} {:>9.1} {:>6} {:>7} {:>11}",
            file.rel,
            file_endpoints,
            us(s.median),
            us(s.min),
            s.n,
            file_lines,
            if file_endpoints == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", file_lines as f64 / file_endpoints as f64)
            }
        );
    }
    println!(
        "  {:<28} {:>9} {:>11.1} {:>9} {:>6} {:>7}",
        "sum of files",
        endpoints,
        us(sum_median),
        "",
        "",
        sum_lines
    );

    println!();
    println!(
        "generated lines per endpoint: format(generate(..)) = {lines} lines / {endpoints} \
         endpoints = {:.1}",
        lines as f64 / endpoints.max(1) as f64
    );
}
