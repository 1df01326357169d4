//! `cargo xtask`: developer tasks for the spec folder.
//!
//! ```text
//! cargo xtask import  --openapi <doc.yml> [--spec <dir>] (--group <g> | --tag <t> | --path-prefix <p>)...
//!                     [--file <spec file>] [--allow <allow.json>] [--dry-run]
//! cargo xtask conform --openapi <doc.yml> [--spec <dir>] [--allow <allow.json>]
//!                     [--area auth|management | --group <g> | --tag <t> | --path-prefix <p>]...
//!                     [--allow-missing]
//! ```
//!
//! `--spec` defaults to the workspace's `descope-api/spec`, `--allow` to its
//! `conformance/allow.json` (for `import`: when it exists); `conform` checks every published
//! auth and management operation unless told otherwise (`--area auth`: the auth groups;
//! `--area management`: every operation under `/v1/mgmt/` and `/v2/mgmt/`). Exit status: 0 on success (for `conform`: the spec conforms),
//! 1 when the spec does not conform, 2 on a usage or input error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::allow::AllowList;
use xtask::conform::conform;
use xtask::import::{ImportOptions, import};
use xtask::openapi::{AUTH_GROUPS, Api, MANAGEMENT_PREFIXES, Selection};
use xtask::spec::{SpecDir, problem_lines};

const USAGE: &str = "\
usage:
  cargo xtask import  --openapi <doc.yml> [--spec <dir>] (--group <g> | --tag <t> | --path-prefix <p>)...
                      [--file <spec file>] [--allow <allow.json>] [--dry-run]
  cargo xtask conform --openapi <doc.yml> [--spec <dir>] [--allow <allow.json>]
                      [--area auth|management | --group <g> | --tag <t> | --path-prefix <p>]...
                      [--allow-missing]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

#[derive(Default)]
struct Args {
    openapi: Option<PathBuf>,
    spec: Option<PathBuf>,
    allow: Option<PathBuf>,
    file: Option<PathBuf>,
    selection: Selection,
    dry_run: bool,
    allow_missing: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let mut value = || {
            rest.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--openapi" => parsed.openapi = Some(value()?.into()),
            "--spec" => parsed.spec = Some(value()?.into()),
            "--allow" => parsed.allow = Some(value()?.into()),
            "--file" => parsed.file = Some(value()?.into()),
            "--group" => parsed.selection.groups.push(value()?),
            "--tag" => parsed.selection.tags.push(value()?),
            "--path-prefix" => parsed.selection.path_prefixes.push(value()?),
            "--area" => match value()?.as_str() {
                "auth" => parsed
                    .selection
                    .groups
                    .extend(AUTH_GROUPS.iter().map(|g| (*g).to_owned())),
                "management" => parsed
                    .selection
                    .path_prefixes
                    .extend(MANAGEMENT_PREFIXES.iter().map(|p| (*p).to_owned())),
                other => {
                    return Err(format!(
                        "unknown area `{other}`: expected auth or management\n{USAGE}"
                    ));
                }
            },
            "--dry-run" => parsed.dry_run = true,
            "--allow-missing" => parsed.allow_missing = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(parsed)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.into());
    };
    if matches!(command.as_str(), "-h" | "--help" | "help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse(rest)?;
    let openapi = args
        .openapi
        .clone()
        .ok_or_else(|| format!("`--openapi <doc.yml>` is required\n{USAGE}"))?;
    let spec_dir = args
        .spec
        .clone()
        .unwrap_or_else(|| workspace_root().join("descope-api/spec"));
    let default_allow = workspace_root().join("conformance/allow.json");
    match command.as_str() {
        "conform" => {
            if args.file.is_some() || args.dry_run {
                return Err(format!("`conform` takes no --file or --dry-run\n{USAGE}"));
            }
            let api = Api::load(&openapi)?;
            let (model, problems) = SpecDir::load(&spec_dir)?.resolve();
            if !problems.is_empty() {
                eprintln!(
                    "warning: the spec has {} problems (`cargo run -p descope-codegen -- check`); \
                     checked the model completed around them:\n  {}",
                    problems.0.len(),
                    problem_lines(&problems).join("\n  ")
                );
            }
            let allow_path = args.allow.unwrap_or(default_allow);
            let allow = AllowList::load(&allow_path)?;
            let report = conform(&api, &model, &allow, &args.selection)?;
            print!("{}", report.render());
            Ok(if report.passes(!args.allow_missing) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        "import" => {
            if args.selection.is_empty() {
                return Err(format!(
                    "say what to import with --group, --tag or --path-prefix\n{USAGE}"
                ));
            }
            let api = Api::load(&openapi)?;
            let mut spec = SpecDir::load(&spec_dir)?;
            let allow = match args.allow {
                Some(path) => AllowList::load(&path)?,
                None if default_allow.is_file() => AllowList::load(&default_allow)?,
                None => AllowList::default(),
            };
            let options = ImportOptions {
                selection: args.selection,
                file: args.file,
                dry_run: args.dry_run,
            };
            let report = import(&api, &mut spec, &allow, &options)?;
            print!("{}", report.render());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}
