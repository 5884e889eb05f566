//! The `pufa` command: parse arguments, run the command, map the outcome to an exit code
//! (0 success, 1 the site has errors, 2 usage or I/O problems).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = pufa::cli::Cli::parse();
    ExitCode::from(pufa::cmd::run(cli))
}
