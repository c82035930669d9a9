//! Generated data: the demo county offices' monthly files, and synthetic registers of any size for
//! benchmarks and tests. Everything here is invented and marked as such.

pub mod generate;
pub mod synth;

pub use generate::{generate, Generated, Options};
