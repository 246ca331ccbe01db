//! `apicat check`: findings compiler-style (or JSON); exit 1 when any is an error.

use apicat_core::check::{self, Severity};

use crate::Result;
use crate::app::Config;
use crate::cli::CheckArgs;
use crate::term::emit;
use crate::view;

pub fn run(config: &Config, args: &CheckArgs) -> Result<u8> {
    // Unreadable files are findings here, not messages. The snapshot is not the user's to
    // correct: only files are checked.
    let cat = config.sources.load_files()?;
    let findings = check::catalogue(&cat);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let files = cat.entries.len() + cat.problems.len();
    if args.json {
        let v: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "path": f.path, "line": f.line, "column": f.col,
                    "severity": f.severity.word(), "message": f.message,
                })
            })
            .collect();
        let doc = serde_json::json!({ "files": files, "errors": errors, "warnings": warnings, "findings": v });
        emit(&view::json::to_string(&doc))?;
    } else {
        let mut out = String::new();
        for f in &findings {
            out.push_str(&format!("{f}\n"));
        }
        emit(&out)?;
        eprintln!(
            "{} checked: {}, {}",
            counted(files, "file"),
            counted(errors, "error"),
            counted(warnings, "warning")
        );
    }
    Ok(u8::from(errors > 0))
}

/// `1 error`, `2 errors`.
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
