//! Parse, run, exit: nothing else happens here.

use clap::Parser;

fn main() -> std::process::ExitCode {
    if let Some(problem) = chimecall::cli::non_utf8_argument(std::env::args_os()) {
        chimecall::output::print_error(&problem);
        return std::process::ExitCode::from(chimecall::exit::Exit::Usage.code() as u8);
    }
    let cli = match chimecall::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are successes printed to stdout; usage errors exit 2. A usage
            // error quotes what was typed: it is neutralised like any text from outside.
            let text = error.render().to_string();
            if error.use_stderr() {
                chimecall::output::to_stderr(chimecall::output::sanitize(text.trim_end()).as_ref());
                return std::process::ExitCode::from(chimecall::exit::Exit::Usage.code() as u8);
            }
            let _ = error.print();
            return std::process::ExitCode::from(chimecall::exit::Exit::Ok.code() as u8);
        }
    };
    let exit = chimecall::run(cli);
    std::process::ExitCode::from(exit.code() as u8)
}
