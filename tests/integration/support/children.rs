//! Commands started in the background: their output watched line by line as it is printed,
//! signals sent to them once they have printed what shows they are under way (never after a
//! guessed sleep), and a generous limit on how long they may run, so a hang fails instead of
//! stalling the suite.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::Finished;

/// How long [`Spawned::wait_for_line`] waits for a line. Generous: a loaded machine is slow, not
/// stuck; only a command that will never print the line takes this long to fail.
pub const LINE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long [`Spawned::finish`] lets a command run on before it is killed and the test fails.
pub const FINISH_TIMEOUT: Duration = Duration::from_secs(120);

/// Sends `SIGINT`/`SIGTERM` (`name`: "INT", "TERM") to a running child, as a user's Ctrl-C or
/// a supervisor would.
pub fn signal(child: &Child, name: &str) {
    signal_pid(child.id(), name);
}

fn signal_pid(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} failed");
}

/// Which of a command's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What the reader threads send: a line (with its newline, if it had one), or the end of a stream.
enum Piece {
    Line(Stream, Vec<u8>),
    End,
}

/// A command running in the background with stdin closed and its stdout and stderr read line by
/// line as they come; killed on drop.
pub struct Spawned {
    child: Child,
    pieces: Receiver<Piece>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    stdout_lines: Vec<String>,
    stderr_lines: Vec<String>,
    open: usize,
}

impl Spawned {
    /// Starts `cmd` (its stdout and stderr piped to the test).
    pub fn start(cmd: &mut Command) -> Spawned {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        let (send, pieces) = channel();
        let out = child.stdout.take().expect("piped stdout");
        let err = child.stderr.take().expect("piped stderr");
        for (stream, pipe) in [
            (Stream::Stdout, Box::new(out) as Box<dyn Read + Send>),
            (Stream::Stderr, Box::new(err)),
        ] {
            let send = send.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(pipe);
                loop {
                    let mut line = Vec::new();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            if send.send(Piece::Line(stream, line)).is_err() {
                                return;
                            }
                        }
                    }
                }
                let _ = send.send(Piece::End);
            });
        }
        Spawned {
            child,
            pieces,
            stdout: Vec::new(),
            stderr: Vec::new(),
            stdout_lines: Vec::new(),
            stderr_lines: Vec::new(),
            open: 2,
        }
    }

    /// Takes one piece of output, waiting until `deadline`; false if none came by then.
    fn take_piece(&mut self, deadline: Instant) -> bool {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.pieces.recv_timeout(wait) {
            Ok(Piece::Line(stream, bytes)) => {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.trim_end_matches(['\n', '\r']).to_string();
                match stream {
                    Stream::Stdout => {
                        self.stdout.extend_from_slice(&bytes);
                        self.stdout_lines.push(text);
                    }
                    Stream::Stderr => {
                        self.stderr.extend_from_slice(&bytes);
                        self.stderr_lines.push(text);
                    }
                }
                true
            }
            Ok(Piece::End) => {
                self.open -= 1;
                true
            }
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => false,
        }
    }

    /// The lines `stream` has printed so far (as far as the test has read), without newlines.
    pub fn lines(&self, stream: Stream) -> &[String] {
        match stream {
            Stream::Stdout => &self.stdout_lines,
            Stream::Stderr => &self.stderr_lines,
        }
    }

    /// Waits (up to [`LINE_TIMEOUT`]) until `stream` has printed a line that `matches`, and
    /// returns it; `what` names it in the failure. Lines already seen count.
    pub fn wait_for_line(
        &mut self,
        stream: Stream,
        what: &str,
        matches: impl Fn(&str) -> bool,
    ) -> String {
        self.wait_for_lines(stream, what, 1, matches).remove(0)
    }

    /// Waits (up to [`LINE_TIMEOUT`]) until `stream` has printed `count` lines that `matches`,
    /// and returns them.
    pub fn wait_for_lines(
        &mut self,
        stream: Stream,
        what: &str,
        count: usize,
        matches: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let deadline = Instant::now() + LINE_TIMEOUT;
        loop {
            let found: Vec<String> = self
                .lines(stream)
                .iter()
                .filter(|line| matches(line))
                .take(count)
                .cloned()
                .collect();
            if found.len() == count {
                return found;
            }
            if self.open == 0 || !self.take_piece(deadline) {
                let ended = if self.open == 0 {
                    "its output ended"
                } else {
                    "timed out"
                };
                panic!(
                    "waiting for {count} {what} on {stream:?}: {ended}\nstdout:\n{}\nstderr:\n{}",
                    String::from_utf8_lossy(&self.stdout),
                    String::from_utf8_lossy(&self.stderr),
                );
            }
        }
    }

    /// Waits for the first line on `stream`, whatever it says.
    pub fn wait_for_output(&mut self, stream: Stream) -> String {
        self.wait_for_line(stream, "a line", |_| true)
    }

    /// Sends `SIGINT`/`SIGTERM` (`name`: "INT", "TERM"); returns when it was sent, in epoch ms
    /// on the clock the sandbox's access log uses (the same machine's).
    pub fn signal(&self, name: &str) -> i64 {
        let sent = super::access_log::now_ms();
        signal_pid(self.child.id(), name);
        sent
    }

    /// Waits for the command to end (killing it and failing after [`FINISH_TIMEOUT`]), with
    /// everything it printed, from its first byte.
    pub fn finish(self) -> Finished {
        self.finish_within(FINISH_TIMEOUT)
    }

    /// [`Spawned::finish`] with a limit of its own.
    pub fn finish_within(mut self, limit: Duration) -> Finished {
        let deadline = Instant::now() + limit;
        while self.open > 0 {
            if !self.take_piece(deadline) {
                let _ = self.child.kill();
                panic!(
                    "still running after {limit:?}\nstdout:\n{}\nstderr:\n{}",
                    String::from_utf8_lossy(&self.stdout),
                    String::from_utf8_lossy(&self.stderr),
                );
            }
        }
        // Both pipes are closed: the process has exited or is about to.
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for the command") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("closed its output but still running after {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Finished {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&self.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&self.stderr).into_owned(),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn a_signal_follows_the_line_and_the_output_is_kept_whole() {
        let mut child = Spawned::start(&mut sh(
            "trap 'echo stopping >&2; exit 130' INT; echo one; printf 'ready\\n' >&2; \
             while :; do sleep 0.05; done",
        ));
        assert_eq!(child.wait_for_output(Stream::Stderr), "ready");
        child.signal("INT");
        let out = child.finish();
        assert_eq!(out.code, 130);
        assert_eq!(out.stdout, "one\n");
        assert_eq!(out.stderr, "ready\nstopping\n");
    }

    #[test]
    fn lines_are_counted_by_predicate() {
        let mut child = Spawned::start(&mut sh("for i in 1 2 3 4 5; do echo row $i; done"));
        let rows = child.wait_for_lines(Stream::Stdout, "odd rows", 3, |line| {
            line.ends_with('1') || line.ends_with('3') || line.ends_with('5')
        });
        assert_eq!(rows, ["row 1", "row 3", "row 5"]);
        assert_eq!(child.finish().code, 0);
    }

    #[test]
    #[should_panic(expected = "its output ended")]
    fn a_line_that_never_comes_fails_when_the_output_ends() {
        let mut child = Spawned::start(&mut sh("echo something else"));
        child.wait_for_line(Stream::Stdout, "the line", |line| line == "never");
    }

    #[test]
    #[should_panic(expected = "still running after")]
    fn a_command_that_hangs_is_killed_and_fails() {
        Spawned::start(&mut sh("exec sleep 30")).finish_within(Duration::from_millis(200));
    }
}
