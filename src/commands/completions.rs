//! `apicat completions SHELL`: the script a shell sources (values come from `crate::complete`).

use crate::Result;
use crate::cli::CompletionsArgs;
use crate::term::emit;

pub fn run(args: &CompletionsArgs) -> Result<u8> {
    emit(&String::from_utf8_lossy(&crate::complete::script(
        args.shell,
    )))?;
    Ok(0)
}
