use clap::{CommandFactory, Parser};
use std::process::ExitCode;

fn main() -> ExitCode {
    clap_complete::CompleteEnv::with_factory(apicat::cli::Cli::command)
        .var(apicat::complete::VAR)
        .complete();
    let cli = apicat::cli::Cli::parse();
    match apicat::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("apicat: {e}");
            ExitCode::from(e.code())
        }
    }
}
