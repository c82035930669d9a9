//! Generated data: the demo county offices' monthly files, the demo's whole job on them (`job`),
//! and synthetic registers of any size for benchmarks and tests. Everything here is invented and
//! marked as such.

pub mod generate;
pub mod job;
pub mod synth;

pub use generate::{generate, CountyFile, Generated, Month, Options};
