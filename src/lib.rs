//! casebook: a static site generator for program showcases and case compendiums.
//!
//! The build is a pipeline ([`build`]): [`config`] and [`load`] read files,
//! [`validate`] types the front matter, [`model`] builds the read-only [`model::Site`],
//! [`render`] turns it into files and [`write`] swaps them into place. See
//! `docs/ARCHITECTURE.md`.

#![forbid(unsafe_code)]
// A user's files never reach an `unwrap()`; tests may use it.
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod build;
pub mod check;
pub mod config;
pub mod diagnostics;
pub mod error;
pub mod i18n;
pub mod load;
pub mod markdown;
pub mod model;
pub mod pdf;
pub mod quantity;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub(crate) mod timing;
pub mod validate;
pub mod write;

pub use build::{build, load_site, BuildOptions, BuildReport};
pub use error::{Error, Result};
