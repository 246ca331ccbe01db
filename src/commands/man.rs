//! `apicat man`: the roff man page: the main page, each command's options, then the
//! environment, files and exit statuses.

use clap::CommandFactory;

use crate::Result;
use crate::cli::Cli;
use crate::term::emit;

pub fn run() -> Result<u8> {
    emit(&page())?;
    Ok(0)
}

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBAPICAT_CATALOGUE\fR
A folder of *.md entries served instead of the bundled catalogue (as \fB\-\-catalogue\fR).
.TP
\fBPAGER\fR
The pager for pages taller than the terminal (default \fBless \-R\fR). If it cannot start or
fails, the page is printed directly and the reason given on standard error.
.TP
\fBNO_COLOR\fR
When set and not empty, no colour (unless \fB\-\-color always\fR).
.TP
\fBCOLUMNS\fR
The width to lay out for when standard output is not a terminal (default 80).
.TP
\fBXDG_DATA_HOME\fR, \fBXDG_CACHE_HOME\fR, \fBHOME\fR
Where the personal catalogue and the index cache live (see FILES).
.TP
\fBAPICAT_COMPLETE\fR
Set by the completion scripts when the shell asks for completions.
"#;

const FILES: &str = r#".SH FILES
.TP
\fI$XDG_DATA_HOME/apicat/catalogue/\fR (\fI~/.local/share/apicat/catalogue/\fR)
The personal catalogue: its *.md entries are added to the bundled ones, and replace a bundled
entry of the same slug.
.TP
\fI$XDG_CACHE_HOME/apicat/\fR (\fI~/.cache/apicat/\fR)
One index file per catalogue folder, rebuilt whenever the folder changes; \fB\-\-no\-cache\fR
bypasses it. \fBapicat paths\fR prints these locations.
"#;

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success (any eligibility verdict is a success).
.TP
\fB1\fR
Nothing found (no API matches, no API of that name), \fBcheck\fR found errors, or output could
not be written.
.TP
\fB2\fR
A usage mistake: an unknown flag or value, a folder that cannot be read, a profile that needs
saying with \fB\-\-as\fR.
.TP
\fB130\fR
Interrupted (Ctrl\-C) in the questionnaire.
"#;

pub fn page() -> String {
    let cmd = Cli::command();
    let mut buf: Vec<u8> = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    // Not `render`: its SUBCOMMANDS section points at apicat-list(1) and the like, pages that
    // do not exist; each command is described here instead.
    let _ = man.render_title(&mut buf);
    let _ = man.render_name_section(&mut buf);
    let _ = man.render_synopsis_section(&mut buf);
    let _ = man.render_description_section(&mut buf);
    let _ = man.render_options_section(&mut buf);
    for sub in cmd.get_subcommands() {
        let name = format!("apicat {}", sub.get_name());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub.clone().bin_name(name);
        let man = clap_mangen::Man::new(sub);
        let _ = man.render_description_section(&mut buf);
        let _ = man.render_synopsis_section(&mut buf);
        let _ = man.render_options_section(&mut buf);
    }
    for section in [ENVIRONMENT, FILES, EXIT_STATUS] {
        buf.extend_from_slice(section.as_bytes());
    }
    let _ = man.render_extra_section(&mut buf);
    let _ = man.render_version_section(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
