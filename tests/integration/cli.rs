//! The command line itself: help, version, usage errors, generated files, the README's contract.

use std::io::Read;
use std::process::Stdio;

use crate::support::{chimecall, fresh_dir, hermetic_command, repo_root, run, BIN};

#[test]
fn help_and_version_succeed_on_stdout() {
    let out = run(chimecall().arg("--help"));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit codes:"));
    let out = run(chimecall().arg("--version"));
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("chimecall "));
    for command in [
        "dial",
        "hangup",
        "update",
        "sandbox",
        "demo",
        "completions",
        "man",
    ] {
        let out = run(chimecall().args([command, "--help"]));
        assert_eq!(out.code, 0, "{command} --help");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--no-such-flag"][..],
        &["dial"],
        &["hangup"],
        &["frobnicate"],
        &["dial", "--to"],
    ] {
        let out = run(chimecall().args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
}

/// completions/ holds generated files; they must match what the binary generates now.
/// `CHIMECALL_BLESS=1 cargo test` rewrites them.
#[test]
fn committed_completions_and_man_page_are_fresh() {
    let bless = std::env::var_os("CHIMECALL_BLESS").is_some();
    let files = [
        ("bash", "chimecall.bash"),
        ("zsh", "_chimecall.zsh"),
        ("fish", "chimecall.fish"),
        ("powershell", "_chimecall.ps1"),
        ("elvish", "chimecall.elv"),
    ];
    let mut generated: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(shell, file)| {
            let out = chimecall().args(["completions", shell]).output().unwrap();
            assert!(out.status.success(), "completions {shell}");
            (file.to_string(), out.stdout)
        })
        .collect();
    let man = chimecall().arg("man").output().unwrap();
    assert!(man.status.success());
    generated.push(("chimecall.1".to_string(), man.stdout));
    for (file, bytes) in generated {
        let path = repo_root().join("completions").join(&file);
        if bless {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == bytes,
            "completions/{file} is stale: run `CHIMECALL_BLESS=1 cargo test committed_completions` and commit"
        );
    }
}

#[test]
fn completions_need_no_configuration() {
    let out = run(chimecall()
        .env("AWS_CONFIG_FILE", "/dev/null/broken")
        .args(["completions", "bash"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("chimecall"));
}

#[test]
fn readme_lists_every_exit_code() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for line in chimecall::exit_code_table().lines() {
        let (code, meaning) = line.trim().split_once("  ").unwrap();
        let row = format!("| {code} | {}", meaning.trim());
        assert!(readme.contains(&row), "README.md lacks the row {row:?}");
    }
}

/// The shell blocks of the README's 60-second tour, in order, as one script.
fn readme_tour() -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("## A 60-second tour")
        .expect("the README has its tour");
    let section = &readme[start..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut script = String::new();
    for block in section.split("```sh\n").skip(1) {
        script.push_str(block.split("```").next().unwrap());
    }
    assert!(script.contains("chimecall sandbox --detach"), "{script}");
    script
}

/// The README's tour, run as written against a sandbox with its default quotas (a fresh
/// account's): every command in it works, and says what the README says it does.
#[test]
fn the_readme_tour_runs_as_written() {
    let script = readme_tour();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // A sandbox left behind by a failing line is stopped all the same; jq, if this machine lacks
    // it, is stood in for by Python for the one filter the tour uses.
    let prelude = "trap 'kill \"${CHIMECALL_SANDBOX_PID:-}\" 2>/dev/null' EXIT\n\
        command -v jq >/dev/null || jq() { python3 -c 'import json,sys\nfor l in sys.stdin: print(json.loads(l)[\"transaction_id\"])'; }\n";
    let dir = fresh_dir("tour");
    let out = run(hermetic_command("timeout")
        .args(["120", "bash", "-u", "-c"])
        .arg(format!("{prelude}{script}"))
        .current_dir(&dir)
        .env("PATH", path));
    let unexpected: Vec<&str> = out
        .stderr
        .lines()
        .filter(|line| line.contains("error") || line.contains("panicked"))
        .filter(|line| !line.contains("1 row did not end in success"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}\n{}", out.stderr);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for expected in [
        "CALL_ANSWERED",
        "HANGUP",
        "alice\t+12065550123\tplaced\t",
        "bob\t+12065550124\tplaced\t",
        "alice\t+12065550487\tanswered\t",
        "2 rows, 3 attempts: 1 answered, 1 busy",
        "ann\t+12065550101\tacknowledged\t",
        "ben\t+12065550102\tunacknowledged\t",
        "acknowledged by ann (+12065550101) at ",
    ] {
        assert!(
            out.stdout.contains(expected),
            "no {expected:?} in\n{}",
            out.stdout
        );
    }
    assert_eq!(
        out.stdout.matches("bob\t+12065550486\tbusy\t").count(),
        2,
        "{}",
        out.stdout
    );
    assert_eq!(out.stdout.matches("\nbatch ").count(), 2, "{}", out.stdout);
}

#[test]
fn a_closed_stdout_exits_0() {
    let generators: Vec<Vec<&str>> = vec![
        vec!["man"],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["completions", "powershell"],
        vec!["completions", "elvish"],
    ];
    for args in generators {
        let mut child = chimecall()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_closed_stderr_is_not_a_panic() {
    let mut child = chimecall()
        .args([
            "hangup",
            "tx",
            "--sma-id",
            "sma",
            "--endpoint-url",
            "not a url",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn the_demo_places_and_ends_a_call() {
    let out = run(chimecall().arg("demo"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    for step in [
        "CreateSipMediaApplicationCall",
        "answered",
        "202",
        "NotFoundException",
    ] {
        assert!(
            out.stdout.contains(step),
            "demo output lacks {step:?}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn a_detached_sandbox_prints_its_exports_and_pid() {
    let out = run(chimecall().args(["sandbox", "--detach"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{}", out.stdout);
    assert!(lines.iter().all(|l| l.starts_with("export ")));
    let pid = lines[6]
        .strip_prefix("export CHIMECALL_SANDBOX_PID=")
        .expect("the PID line");
    let endpoint = lines[0]
        .strip_prefix("export AWS_ENDPOINT_URL=http://")
        .unwrap();
    assert!(
        std::net::TcpStream::connect(endpoint).is_ok(),
        "it serves once the command returns"
    );
    assert!(std::process::Command::new("kill")
        .arg(pid)
        .status()
        .unwrap()
        .success());
}
