//! A batch name is the user's text: a line feed in it cannot forge a line of chimecall's own.

use crate::support::{csv_of, path_str, run, Sandbox};

#[test]
fn a_line_feed_in_a_batch_name_cannot_forge_an_error_line() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let file = csv_of(&[("a".to_string(), "+12065550123".to_string())]);
    let out = run(sandbox.chimecall().args([
        "dial",
        "--file",
        path_str(&file),
        "--batch",
        "INC-1\nchimecall: error: forged",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        !out.stderr
            .lines()
            .any(|line| line.starts_with("chimecall: error: forged")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("batch: INC-1\\u{a}chimecall: error: forged"),
        "{}",
        out.stderr
    );
}
