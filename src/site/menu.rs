//! Link step, the links written in site.yaml: menu entries and contact links must lead
//! somewhere; site paths get the base path, and only safe schemes are allowed.

use super::links::LinkIndex;
use crate::config::{Config, Contact, MenuItem};
use crate::diag::Diagnostic;

/// The menu: internal entries must lead somewhere (default entries without a page are
/// dropped; written ones are errors located in site.yaml). The default menu also has the
/// entries of the `columns` (before 关于我们).
pub(super) fn checked_menu(
    config: &Config,
    columns: &[MenuItem],
    index: &LinkIndex,
    diags: &mut Vec<Diagnostic>,
) -> Vec<MenuItem> {
    let mut items = config.menu.clone();
    if config.menu_is_default {
        let at = items
            .iter()
            .position(|m| m.url == "/about/")
            .unwrap_or(items.len());
        items.splice(at..at, columns.iter().cloned());
    }
    let mut menu = Vec::new();
    for item in items {
        let url = item.url.trim();
        if crate::markdown::is_external(url) || url.starts_with('#') {
            menu.push(item);
            continue;
        }
        let path = crate::text::decode_percent(url.trim_start_matches('/'));
        let path = path.split('#').next().unwrap_or("").to_string();
        let known =
            index.has_path(&path) || index.has_path(&format!("{}/", path.trim_end_matches('/')));
        if known {
            menu.push(item);
        } else if !config.menu_is_default {
            let line = config
                .source_text
                .lines()
                .position(|l| l.contains(&item.url))
                .map_or(config.line_of("menu"), |i| i + 1);
            diags.push(
                Diagnostic::error(format!(
                    "菜单项 “{}” 指向的页面 {} 不存在",
                    item.name, item.url
                ))
                .in_file(crate::config::CONFIG_FILE)
                .at(line, 0)
                .with_source_line(&config.source_text, 0)
                .with_hint(
                    "菜单的 url 写本站页面的网址（例如 /articles/、/about/），或完整的外部网址。",
                ),
            );
        }
    }
    menu
}

/// Contact links with site paths resolved; unsafe or broken ones are errors.
pub(super) fn resolved_contact(
    config: &Config,
    index: &LinkIndex,
    diags: &mut Vec<Diagnostic>,
) -> Contact {
    let mut contact = config.contact.clone();
    for (key, link) in [
        ("complaint", &mut contact.complaint),
        ("survey", &mut contact.survey),
    ] {
        let Some(l) = link.as_mut() else { continue };
        let Some(url) = l.url.clone() else { continue };
        let url = url.trim().to_string();
        let line = config
            .source_text
            .lines()
            .position(|x| x.contains(&url))
            .map_or(config.line_of("contact"), |i| i + 1);
        let err = |msg: String| {
            Diagnostic::error(msg)
                .in_file(crate::config::CONFIG_FILE)
                .at(line, 0)
                .with_source_line(&config.source_text, 0)
                .with_hint("写本站页面的网址（如 /contact/）、完整的网址（https://…）、电话（tel:12345）或邮箱（mailto:…）。")
        };
        if crate::markdown::is_external(&url) {
            let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
            if !matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel" | "sms") {
                diags.push(err(format!(
                    "联系方式 {key} 的链接 “{url}” 不安全或无法打开"
                )));
            }
        } else {
            let path = crate::text::decode_percent(url.trim_start_matches('/'));
            let path = path.split('#').next().unwrap_or("").to_string();
            if index.has_path(&path) || index.has_path(&format!("{}/", path.trim_end_matches('/')))
            {
                l.url = Some(config.link(&path));
            } else {
                diags.push(err(format!("联系方式 {key} 的链接指向的页面 {url} 不存在")));
            }
        }
    }
    contact
}
