//! casebook: a static site generator for case compendiums.

pub mod search;
