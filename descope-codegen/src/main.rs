//! `descope-codegen`: print the code generated for a spec folder, file or endpoint.
//!
//! ```text
//! cargo run -p descope-codegen -- expand spec                         # the whole folder
//! cargo run -p descope-codegen -- expand spec/auth/otp.json           # one file
//! cargo run -p descope-codegen -- expand spec/auth/otp.json update_email
//! cargo run -p descope-codegen -- check spec                          # validate only
//! ```

use std::path::Path;
use std::process::ExitCode;

use descope_codegen::{Api, Options, format, generate, generate_endpoint, generate_file};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, target, endpoint) = match args.as_slice() {
        [c, t] => (c.as_str(), t.as_str(), None),
        [c, t, e] => (c.as_str(), t.as_str(), Some(e.as_str())),
        _ => return usage(),
    };
    match run(command, target, endpoint) {
        Ok(output) => {
            print!("{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: descope-codegen (expand|check) <spec folder | spec file> [endpoint]");
    ExitCode::from(2)
}

fn run(command: &str, target: &str, endpoint: Option<&str>) -> Result<String, String> {
    let path = Path::new(target);
    // A single file is expanded in the context of its whole spec folder (shared types).
    let (dir, display) = if path.is_file() {
        let parent = path.parent().unwrap_or(Path::new("."));
        let root = parent
            .ancestors()
            .find(|dir| dir.join("schema.json").is_file())
            .unwrap_or(parent);
        (root.to_path_buf(), root.to_string_lossy().into_owned())
    } else {
        (path.to_path_buf(), target.trim_end_matches('/').to_owned())
    };
    let api = Api::load(&dir, &display).map_err(|d| d.to_string())?;
    let options = Options::default();
    if command == "check" {
        let endpoints = api.endpoints().count();
        return Ok(format!(
            "{display}: {} files, {} areas, {} groups, {endpoints} endpoints, {} types, no problems\n",
            api.files.len(),
            api.areas.len(),
            api.groups.len(),
            api.types.len(),
        ));
    }
    if command != "expand" {
        return Err(format!(
            "unknown command `{command}`: expected expand or check"
        ));
    }
    let tokens = if path.is_file() {
        let file = api
            .files
            .iter()
            .position(|f| f.path.as_deref().is_some_and(|p| same_file(p, path)))
            .ok_or_else(|| format!("{target} is not part of the spec folder {display}"))?;
        let file_id = descope_codegen::spec::FileId(file);
        match endpoint {
            None => generate_file(&api, file_id, &options),
            Some(name) => {
                let group = api.files[file]
                    .group
                    .ok_or_else(|| format!("{target} declares no group"))?;
                let id = api
                    .group(group)
                    .endpoints
                    .iter()
                    .find(|e| e.name == name)
                    .map(|e| e.id.clone())
                    .ok_or_else(|| format!("no endpoint `{name}` in {target}"))?;
                generate_endpoint(&api, &id, &options)
                    .ok_or_else(|| format!("no endpoint `{name}` in {target}"))?
            }
        }
    } else {
        generate(&api, &options)
    };
    format(tokens).map_err(|e| format!("generated code does not parse (a generator bug): {e}"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
