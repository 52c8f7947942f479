//! `chimecall sandbox` as a process: what it prints, where it listens, how it stops.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support::{chimecall, run, Sandbox};

#[test]
fn prints_exactly_six_export_lines_then_serves() {
    let mut child = chimecall()
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut names = Vec::new();
    let mut values = std::collections::BTreeMap::new();
    for _ in 0..6 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let (name, value) = line
            .trim_end()
            .strip_prefix("export ")
            .and_then(|rest| rest.split_once('='))
            .unwrap_or_else(|| panic!("not an export line: {line:?}"));
        names.push(name.to_string());
        values.insert(name.to_string(), value.to_string());
    }
    assert_eq!(
        names,
        [
            "AWS_ENDPOINT_URL",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "CHIMECALL_SMA_ID",
            "CHIMECALL_FROM"
        ]
    );
    assert!(values["AWS_ENDPOINT_URL"].starts_with("http://127.0.0.1:"));
    assert!(!values["AWS_ENDPOINT_URL"].ends_with(":0"));
    assert_eq!(values["AWS_REGION"], "us-east-1");
    assert_eq!(values["CHIMECALL_SMA_ID"].len(), 36);
    assert!(values["CHIMECALL_FROM"].starts_with('+'));
    // Values need no quoting for `eval`.
    for value in values.values() {
        assert!(
            value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ":/.+-_".contains(c)),
            "{value}"
        );
    }

    // It serves, then SIGTERM stops it cleanly and it prints nothing more on stdout.
    let address = values["AWS_ENDPOINT_URL"]
        .trim_start_matches("http://")
        .to_string();
    assert!(std::net::TcpStream::connect(&address).is_ok());
    crate::support::signal(&child, "TERM");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(rest, "", "more stdout after the export lines");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("chimecall sandbox"), "{stderr}");
}

#[test]
fn each_sandbox_has_its_own_credentials_and_ids() {
    let a = Sandbox::start();
    let b = Sandbox::start();
    assert_ne!(
        a.var("AWS_SECRET_ACCESS_KEY"),
        b.var("AWS_SECRET_ACCESS_KEY")
    );
    assert_ne!(a.sma_id(), b.sma_id());
    assert_ne!(a.endpoint(), b.endpoint());
    // A's credentials do not open B.
    let out = run(a.chimecall().args([
        "--endpoint-url",
        b.endpoint(),
        "dial",
        "--to",
        "+12065550123",
    ]));
    assert_eq!(out.code, 3, "{}", out.stderr);
}

#[test]
fn a_busy_port_is_a_configuration_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run(chimecall().args(["sandbox", "--port", &port]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains(&port), "{}", out.stderr);
    assert_eq!(
        out.stdout, "",
        "export lines printed for a sandbox that is not running"
    );
}
