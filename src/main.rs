//! Parse, run, exit: nothing else happens here (but the panic hook, installed first, so that a
//! panic anywhere ends the process with exit 1).

fn main() -> std::process::ExitCode {
    chimecall::panics::install();
    let exit = match chimecall::parse() {
        Ok(cli) => chimecall::run(cli),
        Err(exit) => exit,
    };
    std::process::ExitCode::from(exit.code() as u8)
}
