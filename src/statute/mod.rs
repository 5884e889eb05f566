//! The statute library: law files under `content/laws/` become one page each (a law split
//! over several files, like the Civil Code, also gets an overview page and keeps one article
//! space), with an anchor per article (`#art-1043`) and per paragraph (`#art-1043-2`).
//! `cite` finds citations in Markdown and links them here.

pub mod cite;
pub mod numerals;
pub mod parse;
pub mod words;

use std::collections::{BTreeMap, HashMap};

use numerals::ArticleNo;
use parse::{Block, LawFile, StatuteArticle};

use crate::diag::Diagnostic;
use crate::text::make_slug;

/// The prefix every national law's full title carries.
pub const PRC: &str = "中华人民共和国";

/// One law (possibly several files).
#[derive(Debug, Clone)]
pub struct Law {
    /// `中华人民共和国民法典`
    pub title: String,
    /// `民法典`
    pub short: String,
    /// URL segment: `民法典`.
    pub slug: String,
    /// Folder under `content/laws/` of its first file.
    pub folder: String,
    /// File indexes, in article order.
    pub files: Vec<usize>,
    /// Article → (file index, block index).
    pub articles: BTreeMap<ArticleNo, (usize, usize)>,
}

/// Every law of the site.
#[derive(Debug, Clone, Default)]
pub struct LawLibrary {
    pub files: Vec<LawFile>,
    pub laws: Vec<Law>,
    /// Full title, short name and aliases → law index.
    pub names: crate::fingerprint::FastMap<String, usize>,
    /// Site path of each file's page.
    pub file_paths: Vec<String>,
    /// The same, percent-encoded for links.
    pub encoded_paths: Vec<String>,
    /// The table of everyday words ([`words`]).
    pub words: Vec<words::WordEntry>,
}

impl Law {
    /// Does this law span several files (an overview page plus one page per part)?
    pub fn is_split(&self) -> bool {
        self.files.len() > 1
    }

    /// Site path of the law's main page.
    pub fn path(&self) -> String {
        format!("laws/{}/", self.slug)
    }

    /// Lowest and highest article number.
    pub fn range(&self) -> Option<(ArticleNo, ArticleNo)> {
        Some((
            *self.articles.keys().next()?,
            *self.articles.keys().next_back()?,
        ))
    }
}

/// The files of each law, keyed by (folder of its first file, full title): a law's files
/// may sit in several folders, and stay one law.
fn group_by_title(files: &[LawFile]) -> BTreeMap<(String, String), Vec<usize>> {
    let mut by_title: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut first_folder: HashMap<String, String> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let folder = first_folder
            .entry(f.title.clone())
            .or_insert_with(|| f.folder.clone())
            .clone();
        by_title
            .entry((folder, f.title.clone()))
            .or_default()
            .push(i);
    }
    by_title
}

/// Article → (file index, block index) over the files `idxs` of the law `short`; an article
/// number found in two of its files is an error (the first one is kept).
fn index_articles(
    files: &[LawFile],
    idxs: &[usize],
    short: &str,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<ArticleNo, (usize, usize)> {
    let mut articles: BTreeMap<ArticleNo, (usize, usize)> = BTreeMap::new();
    for &fi in idxs {
        for (bi, b) in files[fi].blocks.iter().enumerate() {
            if let Block::Article(a) = b {
                if let Some((pf, pb)) = articles.get(&a.no) {
                    if *pf != fi {
                        let prev_line = match &files[*pf].blocks[*pb] {
                            Block::Article(p) => p.line,
                            _ => 0,
                        };
                        diags.push(
                            Diagnostic::error(format!(
                                "《{short}》的{}在两个文件里都出现了",
                                a.no.label()
                            ))
                            .in_file(&files[fi].source)
                            .at(a.line, 1)
                            .with_hint(format!(
                                "另一处在 {} 第 {prev_line} 行。同一部法律分成几个文件时，条文编号不能重复。",
                                files[*pf].source
                            )),
                        );
                    }
                    continue;
                }
                articles.insert(a.no, (fi, bi));
            }
        }
    }
    articles
}

/// Each law's full title and short name, and the aliases of site.yaml, → law index; an
/// alias of a law not in the library is a warning.
fn law_names(
    laws: &[Law],
    aliases: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> crate::fingerprint::FastMap<String, usize> {
    let mut names = crate::fingerprint::FastMap::default();
    for (i, l) in laws.iter().enumerate() {
        names.insert(l.title.clone(), i);
        names.insert(l.short.clone(), i);
    }
    for (alias, target) in aliases {
        let t = target.trim();
        let found = names
            .get(t)
            .or_else(|| names.get(t.strip_prefix(PRC).unwrap_or(t)))
            .copied();
        match found {
            Some(i) => {
                names.insert(alias.trim().to_string(), i);
            }
            None => diags.push(
                Diagnostic::warning(format!(
                    "法律简称 “{alias}” 指向的 “{target}” 不在法律法规库里"
                ))
                .in_file(crate::config::CONFIG_FILE)
                .with_hint(
                    "laws.aliases 的写法：简称: 法律全称，例如 民法典: 中华人民共和国民法典",
                ),
            ),
        }
    }
    names
}

/// Site path of each file's page: the law's path, or for a law split over several files,
/// a folder of it per part.
fn file_paths(files: &[LawFile], laws: &[Law]) -> Vec<String> {
    let mut file_paths = vec![String::new(); files.len()];
    for l in laws {
        for &fi in &l.files {
            file_paths[fi] = if l.is_split() {
                let f = &files[fi];
                let part = f.part.clone().unwrap_or_else(|| f.stem.clone());
                let seg = make_slug(&part).unwrap_or_else(|_| format!("part-{fi}"));
                format!("{}{seg}/", l.path())
            } else {
                l.path()
            };
        }
    }
    file_paths
}

impl LawLibrary {
    /// Group parsed files into laws, register names and aliases, and check that each law's
    /// articles are numbered once.
    pub fn new(
        mut files: Vec<LawFile>,
        aliases: &BTreeMap<String, String>,
    ) -> (Self, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        files.sort_by(|a, b| a.source.cmp(&b.source));
        let mut laws = Vec::new();
        for ((folder, title), mut idxs) in group_by_title(&files) {
            let first_article = |i: &usize| {
                files[*i].blocks.iter().find_map(|b| match b {
                    Block::Article(a) => Some(a.no),
                    _ => None,
                })
            };
            idxs.sort_by_key(|i| (first_article(i).is_none(), first_article(i)));
            let short = title.strip_prefix(PRC).unwrap_or(&title).to_string();
            let slug = make_slug(&short).unwrap_or_else(|_| format!("law-{}", laws.len() + 1));
            let articles = index_articles(&files, &idxs, &short, &mut diags);
            laws.push(Law {
                title,
                short,
                slug,
                folder,
                files: idxs,
                articles,
            });
        }
        let names = law_names(&laws, aliases, &mut diags);
        let file_paths = file_paths(&files, &laws);
        let encoded_paths = file_paths
            .iter()
            .map(|p| crate::text::encode_path(p))
            .collect();
        (
            LawLibrary {
                files,
                laws,
                names,
                file_paths,
                encoded_paths,
                words: Vec::new(),
            },
            diags,
        )
    }

    /// The tooltip of article `a` of law `law`: its opening words, HTML-escaped. Made when
    /// a citation first needs it (a site cites a few hundred of the library's articles),
    /// and kept with the article.
    pub fn tooltip<'a>(&self, law: usize, a: &'a StatuteArticle) -> &'a str {
        a.tooltip.0.get_or_init(|| {
            let (short, cut) = a.opening(80);
            let more = if cut { "……" } else { "" };
            let title = format!("《{}》{} {short}{more}", self.laws[law].short, a.no.label());
            crate::text::escape_html(&title)
        })
    }

    /// Find a law by full title, short name or alias.
    pub fn find(&self, name: &str) -> Option<usize> {
        let n = name.trim();
        self.names
            .get(n)
            .or_else(|| self.names.get(n.strip_prefix(PRC).unwrap_or(n)))
            .copied()
    }

    /// The article `no` of law `law`, with the file it is in.
    pub fn article(&self, law: usize, no: ArticleNo) -> Option<(usize, &StatuteArticle)> {
        let (fi, bi) = *self.laws.get(law)?.articles.get(&no)?;
        match self.files.get(fi)?.blocks.get(bi)? {
            Block::Article(a) => Some((fi, a)),
            _ => None,
        }
    }

    /// `《民法典》第一千零四十二条`: how an article of law `law` is named to readers.
    pub fn article_label(&self, law: usize, no: ArticleNo) -> String {
        format!("《{}》{}", self.laws[law].short, no.label())
    }

    /// The site path of the page of article `no` of law `law`, and its anchor
    /// (`laws/民法典/婚姻家庭编/`, `art-1042`), if the law has it.
    pub fn article_place(&self, law: usize, no: ArticleNo) -> Option<(&str, String)> {
        let (fi, anchor) = self.article_target(law, self.article(law, no)?, None);
        Some((self.file_paths[fi].as_str(), anchor))
    }

    /// Site path and anchor of an article (and paragraph, 1-based, if given and present).
    pub fn article_target(
        &self,
        law: usize,
        (fi, a): (usize, &StatuteArticle),
        paragraph: Option<u32>,
    ) -> (usize, String) {
        let mut anchor = a.no.anchor();
        if let Some(p) = paragraph
            && p >= 1
            && (p as usize) <= a.paragraphs.len()
            && !self.paragraph_clashes(law, a.no, p)
        {
            anchor.push('-');
            numerals::push_decimal(&mut anchor, p);
        }
        (fi, anchor)
    }

    /// Would the id of paragraph `p` of `no` clash with the anchor of article `no`之`p`?
    pub fn paragraph_clashes(&self, law: usize, no: ArticleNo, p: u32) -> bool {
        no.sub == 0
            && self.laws[law].articles.contains_key(&ArticleNo {
                main: no.main,
                sub: p,
            })
    }

    /// Every page of the library (site path, ids defined there), for link checking. The
    /// ids of each law file are listed in parallel: thousands of anchors, before any page
    /// can be linked.
    pub fn pages(&self) -> Vec<(String, crate::fingerprint::FastSet<String>)> {
        use rayon::prelude::*;
        // (site path, and the law and file whose ids it holds, if any), in page order.
        let mut jobs: Vec<(String, Option<(usize, usize)>)> = vec![("laws/".to_string(), None)];
        for (li, l) in self.laws.iter().enumerate() {
            if l.is_split() {
                jobs.push((l.path(), None));
            }
            for &fi in &l.files {
                jobs.push((self.file_paths[fi].clone(), Some((li, fi))));
            }
        }
        jobs.into_par_iter()
            .map(|(path, file)| {
                let mut ids = crate::fingerprint::FastSet::default();
                let Some((li, fi)) = file else {
                    return (path, ids);
                };
                for b in &self.files[fi].blocks {
                    match b {
                        Block::Heading { id, .. } => {
                            ids.insert(id.clone());
                        }
                        Block::Article(a) => {
                            let anchor = a.no.anchor();
                            for p in 1..=a.paragraphs.len() as u32 {
                                if !self.paragraph_clashes(li, a.no, p) {
                                    let mut id = String::with_capacity(anchor.len() + 4);
                                    id.push_str(&anchor);
                                    id.push('-');
                                    numerals::push_decimal(&mut id, p);
                                    ids.insert(id);
                                }
                            }
                            ids.insert(anchor);
                        }
                        Block::Text(_) => {}
                    }
                }
                (path, ids)
            })
            .collect()
    }
}
