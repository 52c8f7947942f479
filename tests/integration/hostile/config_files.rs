//! Hostile configuration files: AWS profile files and the sandbox's callee file that are not
//! UTF-8, not regular files (a directory, a device, a FIFO), or hold values far too long. Each
//! is refused at once, naming the file, and no secret in one ever reaches stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{assert_sane, assert_terminal_safe, ran_within, write_file, Ran};
use crate::support::{chimecall, fresh_dir, Sandbox};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKENFwoGZXIvYXdzEBYaDHVzLWVhc3QtMSJHMEUCIQ";

/// Anything refused here is refused before it could block or read for long.
const AT_ONCE: Duration = Duration::from_secs(10);

/// A credentials file with a Latin-1 "é" in a comment, a secret key and a session token.
fn latin1_credentials() -> Vec<u8> {
    let mut file = b"[default]\n# r\xe9sum\xe9 of this account\n".to_vec();
    file.extend_from_slice(
        format!(
            "aws_access_key_id = AKIAZPGHVM44W2UQNCEL\naws_secret_access_key = {SECRET}\n\
             aws_session_token = {TOKEN}\n"
        )
        .as_bytes(),
    );
    file
}

/// Every run of numbers in `text`, read as decimal and as hex bytes.
fn number_runs(text: &str) -> Vec<Vec<u8>> {
    let mut runs = Vec::new();
    for radix in [10, 16] {
        let mut run = Vec::new();
        for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
            let digits = token.trim_start_matches("0x");
            match u8::from_str_radix(digits, radix) {
                Ok(byte) if !digits.is_empty() => run.push(byte),
                _ if token.is_empty() => {}
                _ => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
    }
    runs
}

/// Neither secret on stdout or stderr, nor eight characters of one in any list of numbers.
fn assert_no_secret(out: &Ran, what: &str) {
    for text in [&out.stdout, &out.stderr] {
        for secret in [SECRET, TOKEN] {
            assert!(!text.contains(secret), "{what}: the secret: {text}");
            for run in number_runs(text) {
                for piece in secret.as_bytes().windows(8) {
                    assert!(
                        !run.windows(8).any(|w| w == piece),
                        "{what}: a byte list decodes to part of a secret: {text}"
                    );
                }
            }
        }
    }
}

/// A dial that needs credentials and a region, nothing else, and never reaches a network.
fn dial_needing_credentials(cmd: &mut Command) -> &mut Command {
    cmd.args([
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "dial",
        "--sma-id",
        "0c2d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "--from",
        "+12065550100",
        "--to",
        "+12065550123",
    ])
}

/// The HOME the hermetic command was given.
fn home_of(cmd: &Command) -> PathBuf {
    cmd.get_envs()
        .find(|(name, _)| *name == "HOME")
        .and_then(|(_, value)| value)
        .map(PathBuf::from)
        .expect("the hermetic command has a HOME")
}

/// Exit 3 with `path` and `why` on stderr, on an error line, nothing on stdout.
fn assert_config_refused(out: &Ran, what: &str, path: &Path, why: &str) {
    assert_sane(out, what);
    assert_terminal_safe(out, what);
    assert_eq!(out.code, 3, "{what}: {}", out.stderr);
    assert!(
        out.stderr.contains("chimecall: error: ")
            && out.stderr.contains(&path.display().to_string())
            && out.stderr.contains(why),
        "{what}: the error should name {} and say {why:?}: {}",
        path.display(),
        out.stderr
    );
    assert_eq!(out.stdout, "", "{what}");
}

fn mkfifo(dir: &Path) -> PathBuf {
    let path = dir.join("fifo");
    let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo");
    path
}

#[test]
fn a_non_utf8_credentials_file_is_named_and_its_secret_shown_at_no_verbosity() {
    let dir = fresh_dir("credentials");
    let credentials = write_file(&dir, "credentials", &latin1_credentials());
    for verbosity in [None, Some("-v"), Some("-vv"), Some("-vvv")] {
        let what = format!("credentials at {verbosity:?}");
        let mut cmd = chimecall();
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        cmd.args(verbosity);
        let out = ran_within(dial_needing_credentials(&mut cmd), AT_ONCE);
        assert_no_secret(&out, &what);
        assert_config_refused(&out, &what, &credentials, "line 2: byte 4 is not UTF-8");
        assert!(!out.stderr.contains("IMDS"), "{what}: {}", out.stderr);
    }
    // The default place, ~/.aws/credentials, is read the same way.
    let mut cmd = chimecall();
    let home = home_of(&cmd);
    std::fs::create_dir(home.join(".aws")).unwrap();
    let default = write_file(&home.join(".aws"), "credentials", &latin1_credentials());
    cmd.env_remove("AWS_SHARED_CREDENTIALS_FILE").arg("-vvv");
    let out = ran_within(dial_needing_credentials(&mut cmd), AT_ONCE);
    assert_no_secret(&out, "~/.aws/credentials at -vvv");
    assert_config_refused(&out, "~/.aws/credentials", &default, "is not UTF-8");
}

#[test]
fn a_config_file_that_is_a_directory_or_not_utf8_is_refused_naming_it() {
    let dir = fresh_dir("config");
    let latin1 = write_file(
        &dir,
        "config",
        b"[profile ops]\nregion = us-east-1\n# caf\xe9\nchimecall_sma_id = sma-1\n",
    );
    let directory = dir.join("a-directory");
    std::fs::create_dir(&directory).unwrap();
    for (path, why) in [
        (&latin1, "line 3: byte 6 is not UTF-8"),
        (&directory, "is a directory, not a regular file"),
    ] {
        // No CHIMECALL_SMA_ID: the profile is read for it (it used to be ignored, exit 2).
        let out = ran_within(
            chimecall().env("AWS_CONFIG_FILE", path).args([
                "--profile",
                "ops",
                "dial",
                "--to",
                "+12065550123",
            ]),
            AT_ONCE,
        );
        assert_config_refused(&out, &path.display().to_string(), path, why);
        // And where the SDK reads it, with every setting given.
        let mut cmd = chimecall();
        cmd.env("AWS_CONFIG_FILE", path);
        let out = ran_within(dial_needing_credentials(&mut cmd), AT_ONCE);
        assert_config_refused(&out, &path.display().to_string(), path, why);
    }
}

#[test]
fn a_fifo_or_device_as_a_profile_file_is_refused_at_once() {
    let fifo = mkfifo(&fresh_dir("fifo"));
    for variable in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        for (path, why) in [
            (fifo.as_path(), "is a FIFO, not a regular file"),
            (Path::new("/dev/zero"), "is a character device"),
            (Path::new("/dev/full"), "is a character device"),
        ] {
            let what = format!("{variable}={}", path.display());
            let mut cmd = chimecall();
            cmd.env(variable, path);
            let out = ran_within(dial_needing_credentials(&mut cmd), AT_ONCE);
            assert_config_refused(&out, &what, path, why);
        }
    }
}

/// `chimecall sandbox --callees PATH`, which must fail.
fn sandbox_refusing(path: &Path) -> Ran {
    ran_within(
        chimecall()
            .args(["sandbox", "--port", "0", "--callees"])
            .arg(path),
        AT_ONCE,
    )
}

#[test]
fn a_fifo_or_device_as_the_callee_file_is_refused_at_once() {
    let fifo = mkfifo(&fresh_dir("fifo"));
    for (path, why) in [
        (fifo.as_path(), "is a FIFO, not a regular file"),
        (
            Path::new("/dev/zero"),
            "is a character device, not a regular file",
        ),
        (
            Path::new("/dev/full"),
            "is a character device, not a regular file",
        ),
    ] {
        let what = format!("--callees {}", path.display());
        let out = sandbox_refusing(path);
        super::assert_refused(&out, &what, &format!("{what}: {why}"));
    }
}

#[test]
fn a_callee_file_error_quotes_a_short_escaped_prefix_of_the_value() {
    let dir = fresh_dir("callees");
    let long = format!("\u{1b}[2J+1{}", "9".repeat(100_000));
    let path = write_file(
        &dir,
        "callees.toml",
        format!(
            "[[callee]]\nnumber = \"{}\"\n",
            long.replace('\u{1b}', "\\u001b")
        )
        .as_bytes(),
    );
    let out = sandbox_refusing(&path);
    super::assert_refused(&out, "a 100 KB number", "line 2: number: ");
    assert_terminal_safe(&out, "a 100 KB number");
    assert!(
        out.stderr.len() < 1_000,
        "{} bytes: {}",
        out.stderr.len(),
        out.stderr
    );
    assert!(out.stderr.contains("(100006 characters)"), "{}", out.stderr);
}

/// Two entries of weight 1e308: their sum overflowed, and every call got the last entry.
#[test]
fn a_mix_of_two_weights_of_1e308_gives_each_its_share() {
    let dir = fresh_dir("callees");
    let path = write_file(
        &dir,
        "callees.toml",
        b"[[callee]]\nnumber = \"+12065550111\"\nweight = 1e308\nbusy = true\n\n\
          [[callee]]\nnumber = \"+12065550111\"\nweight = 1e308\nanswer_after = 0\n",
    );
    let sandbox = Sandbox::start_with(&[
        "--no-quotas",
        "--seed",
        "1",
        "--time-scale",
        "10",
        "--callees",
        path.to_str().unwrap(),
    ]);
    let dials: Vec<_> = (0..12)
        .map(|_| {
            sandbox
                .chimecall()
                .args(["dial", "--to", "+12065550111", "--wait", "answered"])
                .args(["--timeout", "30s"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn chimecall dial")
        })
        .collect();
    let codes: Vec<i32> = dials
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            out.status.code().unwrap_or(-1)
        })
        .collect();
    let busy = codes.iter().filter(|code| **code == 5).count();
    let answered = codes.iter().filter(|code| **code == 0).count();
    assert_eq!(busy + answered, codes.len(), "{codes:?}");
    assert!(
        busy > 0 && answered > 0,
        "one entry got every call: {codes:?}"
    );
}
