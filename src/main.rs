//! Parse, run, exit: nothing else happens here.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match chimecall::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are successes printed to stdout; usage errors exit 2.
            let _ = error.print();
            let exit = if error.use_stderr() {
                chimecall::exit::Exit::Usage
            } else {
                chimecall::exit::Exit::Ok
            };
            return std::process::ExitCode::from(exit.code() as u8);
        }
    };
    let exit = chimecall::run(cli);
    std::process::ExitCode::from(exit.code() as u8)
}
