use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = apicat::cli::Cli::parse();
    match apicat::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("apicat: {e}");
            ExitCode::from(e.code())
        }
    }
}
