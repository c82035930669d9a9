//! One file per subcommand: its arguments and a `run` that calls the library and prints.

pub mod check;
pub mod criteria;
pub mod explain;
pub mod facts;
pub mod init;
pub mod status;
pub mod template;

/// How a command ended, beyond errors (which exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: the command ran and found problems (invalid rows, failed criteria checks asked for).
    #[allow(dead_code)] // first used by `import`
    Problems,
}
