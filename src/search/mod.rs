//! Site search (built with the site, answered in the browser without a server): the
//! tokens both sides use. The index and the query page build on them.

pub mod articles;
pub mod build;
pub mod docs;
pub mod extract;
pub mod extras;
pub mod index;
pub mod rice;
pub mod split;
pub mod tokens;
