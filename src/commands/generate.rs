//! `chimecall completions` and `chimecall man`: generated from the same clap definition as
//! `--help`, and committed under completions/ (a test fails when they are stale).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub fn completions(shell: Shell, out: &mut impl Write) -> std::io::Result<()> {
    // clap_complete panics on a write error: generate into memory, then write (a closed pipe
    // is then an error like any other, and exits 0).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "chimecall", &mut script);
    out.write_all(&script)?;
    out.flush()
}

pub fn man_page(out: &mut impl Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()
}

/// The file name each shell looks for, as committed in completions/.
pub fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "chimecall.bash",
        Shell::Zsh => "_chimecall.zsh",
        Shell::Fish => "chimecall.fish",
        Shell::PowerShell => "_chimecall.ps1",
        Shell::Elvish => "chimecall.elv",
        _ => "chimecall.completion",
    }
}
