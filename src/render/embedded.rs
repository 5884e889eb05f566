//! Render step: the default theme, built into the binary by `build.rs` from `themes/default/`.

include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
