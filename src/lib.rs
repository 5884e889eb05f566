//! pufa (普法): a static-site generator for public law-education portals.
//!
//! The pipeline (see DESIGN.md): **read** (`content::source`) → **parse**
//! (`content::page`, `markdown`, `config`) → **link** (`site`) → **render** (`render`) →
//! **write** (`output`). Only the first and last steps touch the disk; `build`, `check` and
//! `serve` are sinks of the one pipeline ([`pipeline::build`], [`pipeline::Session`]).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// `Diagnostic` is the error type of every layer on purpose (one shape for users).
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod cmd;
pub mod config;
pub mod content;
pub mod dates;
pub mod diag;
pub mod export;
pub mod fingerprint;
pub mod images;
pub mod linkcheck;
pub mod markdown;
pub mod meta_keys;
pub mod output;
pub mod pipeline;
pub mod privacy;
pub mod progress;
pub mod published;
pub mod raw_html;
pub mod reads;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod statute;
pub mod taxonomy;
pub mod text;
pub mod timings;
pub mod yaml;
