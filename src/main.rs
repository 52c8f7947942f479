//! Parse, run, exit: nothing else happens here.

fn main() -> std::process::ExitCode {
    let exit = match chimecall::parse() {
        Ok(cli) => chimecall::run(cli),
        Err(exit) => exit,
    };
    std::process::ExitCode::from(exit.code() as u8)
}
