//! `chimecall completions` and `chimecall man`: generated from the same clap definition as
//! `--help`, and committed under completions/ (a test fails when they are stale).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};

/// A completion script on stdout, or (the hidden `--dir`) into its file in a directory.
pub(crate) fn completions(args: CompletionsArgs) -> anyhow::Result<()> {
    match &args.dir {
        Some(dir) => {
            let path = dir.join(completion_file_name(args.shell));
            write_completions(args.shell, &mut std::fs::File::create(&path)?)?;
        }
        None => write_completions(args.shell, &mut std::io::stdout().lock())?,
    }
    Ok(())
}

fn write_completions(shell: Shell, out: &mut impl Write) -> std::io::Result<()> {
    // clap_complete panics on a write error: generate into memory, then write (a closed pipe
    // is then an error like any other, and exits 0).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "chimecall", &mut script);
    out.write_all(&script)?;
    out.flush()
}

/// The man page (roff) on stdout.
pub(crate) fn man_page() -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(())
}

/// The file name each shell looks for, as committed in completions/.
fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "chimecall.bash",
        Shell::Zsh => "_chimecall.zsh",
        Shell::Fish => "chimecall.fish",
        Shell::PowerShell => "_chimecall.ps1",
        Shell::Elvish => "chimecall.elv",
        _ => "chimecall.completion",
    }
}
