//! The command line: every command and flag, documented here and nowhere else.

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;
use std::path::PathBuf;

use crate::catalogue::Access;
use crate::catalogue::sources::SourceKind;

#[derive(Debug, Parser)]
#[command(
    name = "apicat",
    version,
    about = "Explore the catalogue of French public APIs (api.gouv.fr) offline",
    long_about = "Explore the catalogue of French public APIs (the api.gouv.fr catalogue format) offline: \
                  find an API, read its page, learn whether you may use it.\n\n\
                  The catalogue is bundled in the binary; `apicat update` adds the whole catalogue of data.gouv.fr; \
                  --catalogue serves any folder of entries instead.",
    after_help = "Examples:\n  apicat update\n  apicat search urssaf\n  apicat list --access restricted\n  apicat --catalogue ~/api.gouv.fr/_data/api search adresse"
)]
pub struct Cli {
    /// Serve the *.md entries of this directory instead of the bundled catalogue
    #[arg(long, global = true, env = "APICAT_CATALOGUE", value_name = "DIR")]
    pub catalogue: Option<PathBuf>,

    /// Read every entry afresh: no index cache for a directory, no built-in index for the
    /// bundled entries
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Serve only the entries of one source: bundled (built in), datagouv (the snapshot of
    /// `apicat update`), personal (your own folder) or folder (--catalogue)
    #[arg(long, global = true, value_enum, value_name = "SOURCE")]
    pub source: Option<SourceArg>,

    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// The entries built into apicat
    Bundled,
    /// The snapshot of data.gouv.fr that `apicat update` saved
    Datagouv,
    /// Your own entries, in the personal catalogue folder
    Personal,
    /// The folder given with --catalogue
    Folder,
}

impl From<SourceArg> for SourceKind {
    fn from(s: SourceArg) -> SourceKind {
        match s {
            SourceArg::Bundled => SourceKind::Bundled,
            SourceArg::Datagouv => SourceKind::Datagouv,
            SourceArg::Personal => SourceKind::Personal,
            SourceArg::Folder => SourceKind::Folder,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the APIs of the catalogue
    List(ListArgs),
    /// Find APIs by words, ranked (typos tolerated)
    Search(SearchArgs),
    /// Read everything about one API: facts, who may use it, its documentation
    Show(ShowArgs),
    /// Whether you may use an API, and how to ask (asks "who are you?" on a terminal)
    Eligible(EligibleArgs),
    /// Check catalogue entries for mistakes, compiler-style (for people who write them)
    Check(CheckArgs),
    /// Print the shell completion script (completes API slugs, profiles and themes too)
    Completions(CompletionsArgs),
    /// Print the man page (roff)
    Man,
    /// Show the directories apicat reads
    Paths,
    /// Fetch the whole catalogue from data.gouv.fr (or import a saved response) and keep it
    Update(UpdateArgs),
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The root of a udata site (apicat appends /api/1/dataservices/)
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://www.data.gouv.fr",
        conflicts_with = "file"
    )]
    pub from: String,

    /// Import a saved response instead: one API page, a JSON array of items, or JSON Lines
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the findings as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AccessArg {
    /// Open data: no account, no request
    Open,
    /// An account is needed
    Account,
    /// Access on request only
    Restricted,
}

impl From<AccessArg> for Access {
    fn from(a: AccessArg) -> Access {
        match a {
            AccessArg::Open => Access::Open,
            AccessArg::Account => Access::Account,
            AccessArg::Restricted => Access::Restricted,
        }
    }
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only APIs with this theme (case and accents ignored)
    #[arg(long, value_name = "THEME", add = ArgValueCompleter::new(crate::complete::themes))]
    pub theme: Option<String>,

    /// Only APIs of this producer: slug, name or acronym
    #[arg(long, value_name = "PRODUCER", add = ArgValueCompleter::new(crate::complete::producers))]
    pub producer: Option<String>,

    /// Only APIs with this kind of access
    #[arg(long, value_enum)]
    pub access: Option<AccessArg>,

    /// Only APIs that work with FranceConnect (compatible or required)
    #[arg(long)]
    pub france_connect: bool,

    /// Print JSON (an array of objects); the same as --format json
    #[arg(long)]
    pub json: bool,

    /// Output format [default: table on a terminal, tsv otherwise]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
}

/// How a list of results is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Columns fitted to the terminal, slugs never broken
    Table,
    /// One row per line, tab-separated, no header, no colour (for scripts and pipes)
    Tsv,
    /// An array of objects
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Show at most N APIs
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filter: FilterArgs,

    /// Show at most N results
    #[arg(long, short = 'n', value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    /// Show, for each result, which words matched which field and how (exact, stem, related,
    /// prefix, typo) and its score
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The API: its slug, its exact title, or the start of a slug
    #[arg(value_name = "NAME", add = ArgValueCompleter::new(crate::complete::slugs))]
    pub name: String,

    /// Print the whole entry as JSON: every front-matter key, the body, where it came from
    #[arg(long)]
    pub json: bool,

    /// Print directly, even when the page is taller than the terminal
    #[arg(long)]
    pub no_pager: bool,
}

#[derive(Debug, Args)]
pub struct EligibleArgs {
    /// One API (slug, exact title or slug prefix); without it, every API of the catalogue
    #[arg(value_name = "SLUG", add = ArgValueCompleter::new(crate::complete::slugs))]
    pub slug: Option<String>,

    /// Who you are, as the access pages say it: `collectivite`, `particulier`, `éditeur`…
    #[arg(long = "as", value_name = "PROFILE", add = ArgValueCompleter::new(crate::complete::profiles))]
    pub profile: Option<String>,

    /// Print JSON instead of text; the same as --format json
    #[arg(long)]
    pub json: bool,

    /// Output format of the catalogue-wide answer [default: table on a terminal, tsv otherwise]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
}
