//! casebook: a static site generator for program showcases and case compendiums.
//!
//! The build is a pipeline ([`build`]): [`config`] and [`load`] read files,
//! [`validate`] types the front matter, [`model`] builds the read-only [`model::Site`],
//! [`render`] turns it into files and [`write`] swaps them into place. See
//! `docs/ARCHITECTURE.md`.

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
pub mod photos;
pub mod quantity;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod theme;
pub mod validate;
pub mod write;

pub use build::{build, load_site, BuildOptions, BuildReport};
pub use error::{Error, Result};
