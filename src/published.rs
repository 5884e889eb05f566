//! The addresses a site has published, remembered in `published.txt` beside `site.yaml`
//! and committed with the site, so that the memory travels to another computer and to CI.
//! One line per address: the address under the site's root, a tab, and the content file
//! that made it (`/articles/tudi/` TAB `content/articles/tudi.md`). Content pages, their print
//! views and calendar files are remembered; lists, tags and years are not (they come and go
//! with the content). A build to the site's own `public/` adds what it published; nothing
//! is ever taken out but by hand. A build that no longer makes a remembered address, and
//! has no old address (`aliases:`) there, warns: a link from another site, a bookmark or a
//! printed QR code leads to it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Diagnostic;

/// The file, in the site's folder.
pub const FILE: &str = "published.txt";

/// An address a build makes: its path under the site's root (`/articles/a/`), the content
/// file that made it, and whether it is an old address leading on (`aliases:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub path: String,
    pub source: String,
    pub alias: bool,
}

/// The remembered addresses: path → content file, with the line each is on.
#[derive(Debug, Default)]
pub struct Record {
    entries: BTreeMap<String, (String, usize)>,
}

impl Record {
    /// The record in `root` (empty when there is none). A line that is not an address is
    /// skipped: the file is the site's, and a hand edit must not stop a build.
    pub fn read(root: &Path) -> Record {
        let text = std::fs::read_to_string(root.join(FILE)).unwrap_or_default();
        Record::parse(&text)
    }

    /// The record a file's text holds.
    fn parse(text: &str) -> Record {
        let mut entries = BTreeMap::new();
        for (k, line) in text.lines().enumerate() {
            let mut cols = line.split('\t');
            let path = cols.next().unwrap_or_default().trim();
            if !path.starts_with('/') {
                continue;
            }
            let source = cols.next().unwrap_or_default().trim().to_string();
            entries.insert(path.to_string(), (source, k + 1));
        }
        Record { entries }
    }

    /// A warning for each remembered address that `now` (a build's addresses) does not
    /// make. A page's print view and calendar file go with the page: they are named only
    /// when the page itself is still there without them (its own warning, or its old
    /// address leading on, covers them otherwise).
    pub fn dropped(&self, now: &[Address]) -> Vec<Diagnostic> {
        let made: crate::fingerprint::FastSet<&str> = now.iter().map(|a| a.path.as_str()).collect();
        let pages: crate::fingerprint::FastSet<&str> = now
            .iter()
            .filter(|a| !a.alias)
            .map(|a| a.path.as_str())
            .collect();
        self.entries
            .keys()
            .filter(|p| !made.contains(p.as_str()))
            .filter(|p| page_of(p).is_none_or(|page| pages.contains(page.as_str())))
            .map(|p| self.warning(p))
            .collect()
    }

    fn warning(&self, path: &str) -> Diagnostic {
        let (source, line) = &self.entries[path];
        let printed = self.entries.contains_key(&format!("{path}print/"));
        let mut msg = format!("网址 {path} 以前发布过，这次生成以后就打不开了");
        if !source.is_empty() {
            msg.push_str(&format!("（原来是 {source}）"));
        }
        if printed {
            msg.push_str(
                "。这个网址还印在了打印版（海报或讲义）的二维码上，已经印出去的二维码会扫不开",
            );
        }
        Diagnostic::warning(msg).in_file(FILE).at(*line, 0).with_hint(format!(
            "如果是改了 slug、挪了文件：在现在的页面元数据里加 aliases: [{path}]，旧网址就会跳到新网址。如果这个页面确实不要了，从 {FILE} 里删掉这一行。"
        ))
    }

    /// The record with the addresses of `now` added, each entry at the line it has in the
    /// file [`Record::text`] writes; `None` when nothing is new.
    pub fn merged(&self, now: &[Address]) -> Option<Record> {
        let new: Vec<&Address> = now
            .iter()
            .filter(|a| !a.alias && !self.entries.contains_key(&a.path))
            .collect();
        if new.is_empty() {
            return None;
        }
        let mut entries = self.entries.clone();
        for a in new {
            entries.insert(a.path.clone(), (a.source.clone(), 0));
        }
        let first = HEADER.lines().count() + 1;
        for (k, (_, line)) in entries.values_mut().enumerate() {
            *line = first + k;
        }
        Some(Record { entries })
    }

    /// The file's text: the header, then an address and its file a line, in order.
    pub fn text(&self) -> String {
        let mut out = String::from(HEADER);
        for (p, (s, _)) in &self.entries {
            out.push_str(p);
            out.push('\t');
            out.push_str(s);
            out.push('\n');
        }
        out
    }
}

/// The page a print view or calendar file belongs to (`/e/print/`, `/e/e.ics` → `/e/`).
fn page_of(path: &str) -> Option<String> {
    path.strip_suffix("print/").map(str::to_string).or_else(|| {
        let (dir, _) = path.strip_suffix(".ics")?.rsplit_once('/')?;
        Some(format!("{dir}/"))
    })
}

/// The first lines of the file: what it is, for whoever opens it.
const HEADER: &str = "# 本站发布过的网址（pufa build 自动添加，请和网站文件一起保存、提交）。\n# 生成时如果哪个网址不再存在，会提醒你加 aliases 跳转；确实不要的网址可以删掉那一行。\n";

/// The address of an output file: `a/index.html` → `/a/`, `a.ics` → `/a.ics`.
pub fn address_of(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{file}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(path: &str, source: &str) -> Address {
        Address {
            path: path.into(),
            source: source.into(),
            alias: false,
        }
    }

    #[test]
    fn a_dropped_page_is_named_once_with_its_qr_code() {
        let record = Record::parse(
            "# note\n/events/a/\tcontent/events/a.md\n/events/a/print/\tcontent/events/a.md\n/events/a/a.ics\tcontent/events/a.md\n/articles/b/\tcontent/articles/b.md\n",
        );
        let now = [addr("/articles/b/", "content/articles/b.md")];
        let w = record.dropped(&now);
        assert_eq!(w.len(), 1, "{w:?}");
        let text = format!("{:?}", w[0]);
        assert!(
            text.contains("/events/a/") && text.contains("二维码"),
            "{text}"
        );
        assert!(
            record.merged(&now).is_none(),
            "nothing new, nothing written"
        );
    }

    #[test]
    fn new_addresses_are_added_in_order_and_old_ones_kept() {
        let record = Record::parse("/b/\tcontent/b.md\n");
        let mut alias = addr("/old/", "content/a.md");
        alias.alias = true;
        let merged = record
            .merged(&[addr("/a/", "content/a.md"), alias])
            .unwrap();
        let text = merged.text();
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with('/')).collect();
        assert_eq!(lines, ["/a/\tcontent/a.md", "/b/\tcontent/b.md"]);
        // Each entry knows its line in that text, as the file read back does.
        assert_eq!(merged.entries, Record::parse(&text).entries);
        assert_eq!(address_of("a/b/index.html"), "/a/b/");
        assert_eq!(address_of("index.html"), "/");
        assert_eq!(address_of("events/x/x.ics"), "/events/x/x.ics");
        assert_eq!(page_of("/events/x/x.ics").as_deref(), Some("/events/x/"));
        assert_eq!(page_of("/events/x/print/").as_deref(), Some("/events/x/"));
    }
}
