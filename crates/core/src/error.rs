//! What can go wrong, with the exit status each case calls for.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A usage mistake: something on the command line to change (exit 2).
    #[error("{0}")]
    Usage(String),
    /// Nothing found, or a name that is not in the catalogue (exit 1).
    #[error("{0}")]
    NotFound(String),
    /// A catalogue folder that cannot be read (exit 2: the command line names it).
    #[error("{}: {what}: {source}", crate::text::visible(&path.display().to_string()))]
    Read {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    /// The catalogue could not be fetched or imported; the previous snapshot is kept (exit 3).
    #[error("{0}")]
    Update(String),
    /// Output that cannot be written (exit 1).
    #[error("{0}")]
    Output(#[from] std::io::Error),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Error {
        Error::NotFound(message.into())
    }

    /// The process's exit status for this error.
    pub fn code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Read { .. } => 2,
            Error::NotFound(_) | Error::Output(_) => 1,
            Error::Update(_) => 3,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
