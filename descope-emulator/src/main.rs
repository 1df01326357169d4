//! `descope-emulator`: runs the emulator until Ctrl-C, printing every code it "sends".
//!
//! ```text
//! cargo run -p descope-emulator -- --port 4510 [--host 127.0.0.1] [--project-id P2...] [--management-key K2...]
//! ```

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use descope_emulator::{DEFAULT_MANAGEMENT_KEY, DEFAULT_PROJECT_ID, Emulator, Message};

const USAGE: &str = "\
usage: descope-emulator [--port PORT] [--host ADDRESS] [--project-id ID] [--management-key KEY]

  --port PORT        port to listen on (default 4510; 0 picks a free one)
  --host ADDRESS     address to listen on (default 127.0.0.1)
  --project-id ID    project ID to accept (default P2emulatorLocalProject)
  --management-key KEY
                     management key to accept (default K2emulatorManagementKey)";

struct Args {
    host: IpAddr,
    port: u16,
    project_id: String,
    management_key: String,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: IpAddr::from([127, 0, 0, 1]),
        port: 4510,
        project_id: DEFAULT_PROJECT_ID.to_owned(),
        management_key: DEFAULT_MANAGEMENT_KEY.to_owned(),
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => parsed.port = value.parse().map_err(|_| format!("bad port {value:?}"))?,
            "--host" => {
                parsed.host = value
                    .parse()
                    .map_err(|_| format!("bad address {value:?}"))?
            }
            "--project-id" if !value.trim().is_empty() => parsed.project_id = value,
            "--project-id" => return Err("the project ID must not be empty".to_owned()),
            "--management-key" if !value.trim().is_empty() => parsed.management_key = value,
            "--management-key" => {
                return Err("the management key must not be empty".to_owned());
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(Some(parsed))
}

fn print_message(message: &Message) {
    let what = match &message.link {
        Some(link) => format!("magic link {link}"),
        None => format!("code {}", message.code),
    };
    println!(
        "[outbox] {} to {} (login ID {}, {}): {what}",
        message.channel,
        message.to,
        message.login_id,
        message.purpose.as_str()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("descope-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = Emulator::builder()
        .addr(SocketAddr::new(args.host, args.port))
        .project_id(&args.project_id)
        .management_key(&args.management_key)
        .on_send(print_message)
        .start()
        .await;
    let emulator = match started {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!(
                "descope-emulator: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!("descope-emulator listening on {}", emulator.base_url());
    println!("project ID: {}", emulator.project_id());
    println!(
        "management key: {} (the emulator's own, not a secret)",
        emulator.management_key()
    );
    println!(
        "try: DESCOPE_PROJECT_ID={} DESCOPE_BASE_URL={} cargo run --example quickstart",
        emulator.project_id(),
        emulator.base_url()
    );
    println!(
        "     DESCOPE_PROJECT_ID={} DESCOPE_MANAGEMENT_KEY={} DESCOPE_BASE_URL={} cargo run -p \
         descope-api --example admin --features mgmt",
        emulator.project_id(),
        emulator.management_key(),
        emulator.base_url()
    );
    println!(
        "outbox: {0}/emulator/outbox   users: {0}/emulator/users   (Ctrl-C stops)",
        emulator.base_url()
    );
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("descope-emulator: cannot wait for Ctrl-C ({e}); stopping");
    }
    println!("descope-emulator: stopping");
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_flags() {
        let parsed = args(&[]).unwrap().unwrap();
        assert_eq!(
            (parsed.port, parsed.project_id.as_str()),
            (4510, DEFAULT_PROJECT_ID)
        );
        let parsed = args(&["--port", "0", "--host=0.0.0.0", "--project-id", "P2x"])
            .unwrap()
            .unwrap();
        assert_eq!(parsed.port, 0);
        assert_eq!(parsed.host.to_string(), "0.0.0.0");
        assert_eq!(parsed.project_id, "P2x");
        assert!(args(&["--help"]).unwrap().is_none());
        assert_eq!(args(&["--port"]).err().unwrap(), "--port needs a value");
        assert_eq!(args(&["--port", "x"]).err().unwrap(), "bad port \"x\"");
        assert_eq!(
            args(&["--nope", "1"]).err().unwrap(),
            "unknown option --nope"
        );
        assert!(args(&["--project-id", " "]).is_err());
        assert_eq!(parsed.management_key, DEFAULT_MANAGEMENT_KEY);
        let parsed = args(&["--management-key", "K2mine"]).unwrap().unwrap();
        assert_eq!(parsed.management_key, "K2mine");
        assert!(args(&["--management-key", ""]).is_err());
    }
}
