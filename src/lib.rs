//! casebook: a static site generator for program showcases and case compendiums.
//!
//! The build is a pipeline ([`build`]): [`config`] and `load` read files,
//! `validate` types the front matter, [`model`] builds the read-only [`model::Site`],
//! [`render`] turns it into files and [`write`] swaps them into place. See
//! `docs/ARCHITECTURE.md`.

#![forbid(unsafe_code)]
// A user's files never reach an `unwrap()`; tests may use it.
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

/// Modules inside the pipeline that neither the binary nor an embedder calls: private
/// to the crate, public only with the `internals` feature, for the benchmarks.
macro_rules! internal {
    ($($name:ident),*) => {$(
        #[cfg(feature = "internals")]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        pub(crate) mod $name;
    )*};
}

pub mod build;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod lock;
pub mod model;
pub mod outdir;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod write;
internal!(i18n, load, markdown, quantity, validate);
#[cfg(test)]
mod proptests;
pub(crate) mod timing;

pub use build::{build, load_site, BuildOptions, BuildReport};
pub use error::{Error, Result};
