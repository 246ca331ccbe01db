//! `apicat man`: the roff man page, the main page then each command's options.

use clap::CommandFactory;

use crate::Result;
use crate::cli::Cli;
use crate::term::emit;

pub fn run() -> Result<u8> {
    emit(&page())?;
    Ok(0)
}

pub fn page() -> String {
    let cmd = Cli::command();
    let mut buf: Vec<u8> = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    let _ = man.render(&mut buf);
    for sub in cmd.get_subcommands() {
        let name = format!("apicat {}", sub.get_name());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub.clone().bin_name(name);
        let man = clap_mangen::Man::new(sub);
        let _ = man.render_description_section(&mut buf);
        let _ = man.render_synopsis_section(&mut buf);
        let _ = man.render_options_section(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}
