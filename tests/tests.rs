//! The integration tests, one crate (one link step) with a module per area, as ripgrep has them.
//! Most run the built binary on fixture files in a scratch folder (`common`) and open the database
//! or the output it wrote; some call the library directly.
//!
//! They run as threads of one process. None changes the process's environment, current folder or
//! umask, and none waits for children other than its own: each passes what the binary needs on its
//! command line (`--db`, `current_dir`, `env_remove("TUOPIN_DB")`) and keeps its files in its own
//! scratch folder. Run one area with `cargo test --test tests crash::`.

mod common;

mod backup;
mod bulletin;
mod bulletin_dev;
mod bulletin_store;
mod chart_cli;
mod chart_render;
mod check;
mod concurrency;
mod crash;
mod criteria;
mod demo;
mod files;
mod fuzz;
mod hostile;
mod import;
mod init;
mod layers;
mod migrate;
mod misuse;
mod privacy;
mod readonly;
mod report;
mod report_docx;
mod synth;
