//! Render step: the linked site + the theme → the site's files, one [`Job`] at a time.
//! Templates (minijinja, see `env.rs`) see view models — `site` and the pages' cards as
//! objects that note every field read (`objects.rs`), and contexts made for each output
//! from the graph's recording getters — never internal types. Every job notes what it read,
//! so the pipeline can tell which outputs a change touches (see `pipeline/`).

pub mod calendar;
pub mod context;
mod embedded;
pub mod env;
mod feeds;
pub mod filters;
pub mod ics;
pub mod laws;
mod lists;
pub mod objects;
mod pages;
pub mod qr;
pub mod search;
mod templates;
pub mod theme;

use std::sync::Arc;

use minijinja::value::{Serde, Value};
use minijinja::{Environment, context};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::reads::{Fact, ObjId, read};
use crate::site::{PageId, Site};
use filters::Fragments;
use laws::LawPage;
use objects::{CARD_FIELDS, Fields, SITE_FIELDS};
use templates::Closures;
use theme::Theme;

pub use embedded::FILES as BUILTIN_THEME_FILES;
pub use env::template_diag;
pub use feeds::FEEDS;

/// A theme's templates, compiled, with which templates each one uses.
pub struct Templates {
    pub env: Environment<'static>,
    /// `include_cached`'s fragments (kept between builds while what they read holds).
    pub fragments: Fragments,
    closures: Closures,
}

impl Templates {
    /// Compile the theme's templates (every syntax error comes back together).
    pub fn new(config: &Config, theme: &Theme) -> Result<Templates, Vec<Diagnostic>> {
        let mut env = env::environment(config, theme)?;
        let fragments = filters::register(&mut env, config, theme);
        let closures = Closures::new(theme.templates.iter().map(|(n, t)| (n, &*t.source)));
        Ok(Templates {
            env,
            fragments,
            closures,
        })
    }

    /// Render template `name` with `ctx`, noting the templates it uses.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, minijinja::Error> {
        for s in self.closures.of(name) {
            read(Fact::Template(s));
        }
        self.env.get_template(name)?.render(ctx)
    }

    /// Every template's key (what changes when the theme as a whole does).
    pub fn all(&self) -> &[crate::reads::Sym] {
        self.closures.all()
    }
}

/// The view models outputs share: `site`, and every published page's card (by id).
pub struct Views<'a> {
    pub site: Value,
    pub cards: &'a [Option<Arc<Fields>>],
}

impl Views<'_> {
    /// Page `id`'s card.
    pub fn card_object(&self, id: PageId) -> Arc<Fields> {
        match self.cards.get(id as usize) {
            Some(Some(c)) => c.clone(),
            _ => Fields::new(ObjId::Card(id), &CARD_FIELDS, vec![Value::UNDEFINED; 20]),
        }
    }

    /// Page `id`'s card, as a template value.
    pub fn card(&self, id: PageId) -> Value {
        Value::from_dyn_object(self.card_object(id))
    }
}

/// `site` for the templates.
pub fn site_object(site: &Site) -> Arc<Fields> {
    let vm = context::site_vm(site);
    let values = vec![
        Value::from(vm.title),
        Value::from(vm.description),
        Value::from(vm.base_url),
        Value::from(vm.base_path),
        Value::from(vm.domain),
        Value::from(vm.language),
        Value::from(Serde(&vm.site_id_code)),
        Value::from(vm.content_source),
        Value::from(Serde(&vm.menu)),
        Value::from(Serde(&vm.contact)),
        Value::from(Serde(&vm.footer)),
        Value::from(Serde(&vm.extra)),
        Value::from(vm.feed_url),
        Value::from(vm.year),
        Value::from(vm.search_url),
        Value::from(Serde(&vm.taxonomies)),
    ];
    Fields::new(ObjId::Site, &SITE_FIELDS, values)
}

/// Page `id`'s card for the templates.
pub fn card_object(site: &Site, id: PageId) -> Arc<Fields> {
    Fields::new(
        ObjId::Card(id),
        &CARD_FIELDS,
        context::card_vm(site, id).into_values(),
    )
}

/// One output file, and how it is made.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// A content page.
    Page(PageId),
    /// The A4 print view (poster, handout) of an event or lesson.
    Print(PageId),
    /// An event's calendar file.
    Ics(PageId),
    /// A list page (by site path).
    List(String),
    /// A page of the statute library.
    Law(LawPage),
    /// An Atom feed (see [`FEEDS`]).
    Feed(u8),
    /// A column's Atom feed (by folder).
    ColumnFeed(String),
    /// A term's Atom feed (by key: `categories/<slug>`), for taxonomies with feeds.
    TermFeed(String),
    /// The site's calendar file.
    Calendar,
    Sitemap,
    Robots,
    NotFound,
    /// The search page.
    Search,
    /// The page of an everyday word (row, word of the statute library's table).
    SearchWord(u32, u32),
    /// A page at an old address of page `id` (its `aliases:`, by place) that leads to it.
    Alias(PageId, u16),
}

/// The outputs of published page `id`, with their paths.
pub fn page_jobs(site: &Site, id: PageId) -> Vec<(String, Job)> {
    let path = site.path(id);
    let kind = site.kind(id);
    let mut v = vec![(format!("{path}index.html"), Job::Page(id))];
    if pages::print_template(kind).is_some() {
        v.push((format!("{path}print/index.html"), Job::Print(id)));
    }
    if kind == crate::content::Kind::Event {
        v.push((context::ics_path(path), Job::Ics(id)));
    }
    for (k, alias) in site.page(id).aliases.iter().enumerate() {
        let file = if alias.ends_with('/') {
            format!("{alias}index.html")
        } else {
            alias.clone()
        };
        v.push((file, Job::Alias(id, k as u16)));
    }
    v
}

/// The list pages, with their paths, and the feeds of the columns and of the terms of
/// taxonomies with feeds.
pub fn list_jobs(site: &Site) -> Vec<(String, Job)> {
    let c = site.config();
    let mut v: Vec<(String, Job)> = Vec::new();
    for p in site.list_paths() {
        v.push((format!("{p}index.html"), Job::List(p.clone())));
        let key = p.trim_end_matches('/');
        let (taxonomy, slug) = crate::taxonomy::split_key(key);
        // A term's page is its taxonomy's folder and one more segment.
        if key.contains('/') && !slug.contains('/') && c.taxonomy(taxonomy).is_some_and(|t| t.feed)
        {
            v.push((format!("{p}atom.xml"), Job::TermFeed(key.to_string())));
        }
    }
    v.extend(
        site.columns()
            .iter()
            .map(|d| (format!("{d}/atom.xml"), Job::ColumnFeed(d.clone()))),
    );
    v
}

/// The statute library's pages, with their paths, and (when the site has search) the
/// pages of the library's everyday words.
pub fn law_jobs(site: &Site) -> Vec<(String, Job)> {
    let mut v: Vec<(String, Job)> = laws::law_pages(site.library())
        .into_iter()
        .map(|(p, l)| (p, Job::Law(l)))
        .collect();
    v.extend(
        search::word_jobs(site)
            .into_iter()
            .map(|(p, e, w)| (format!("{p}index.html"), Job::SearchWord(e, w))),
    );
    v
}

/// The site's own files (feeds, calendar, sitemap, robots.txt, the 404 page, and the search
/// page when the site has search).
pub fn site_jobs(search: bool) -> Vec<(String, Job)> {
    let mut v: Vec<(String, Job)> = FEEDS
        .iter()
        .enumerate()
        .map(|(k, (p, _))| (p.to_string(), Job::Feed(k as u8)))
        .collect();
    v.push(("events/calendar.ics".into(), Job::Calendar));
    v.push(("sitemap.xml".into(), Job::Sitemap));
    v.push(("robots.txt".into(), Job::Robots));
    v.push(("404.html".into(), Job::NotFound));
    if search {
        v.push((format!("{}index.html", search::PATH), Job::Search));
    }
    v
}

/// Make one output.
pub fn make(
    job: &Job,
    t: &Templates,
    site: &Site,
    views: &Views<'_>,
) -> Result<String, minijinja::Error> {
    let s = || views.site.clone();
    match job {
        Job::Page(id) => t.render(
            pages::page_template(site.kind(*id)),
            pages::page_context(site, views, *id, false),
        ),
        Job::Print(id) => match pages::print_template(site.kind(*id)) {
            Some(name) => t.render(name, pages::page_context(site, views, *id, true)),
            None => Ok(String::new()),
        },
        Job::Ics(id) => Ok(ics::calendar(site, &[*id], site.title(*id))),
        Job::Calendar => {
            let name = format!("{} 活动", site.config().title);
            Ok(ics::calendar(site, site.calendar_events(), &name))
        }
        Job::List(path) => match lists::list_context(site, views, path) {
            Some((name, ctx)) => t.render(name, ctx),
            None => Ok(String::new()),
        },
        Job::Law(page) => {
            let (name, ctx) = laws::law_context(site, &views.site, *page);
            t.render(name, ctx)
        }
        Job::Feed(k) => t.render("atom.xml", feeds::feed_context(site, views, *k)),
        Job::ColumnFeed(dir) => t.render("atom.xml", feeds::column_feed_context(site, views, dir)),
        Job::TermFeed(key) => t.render("atom.xml", feeds::term_feed_context(site, views, key)),
        Job::Sitemap => t.render("sitemap.xml", feeds::sitemap_context(site, &views.site)),
        Job::Robots => {
            let url = site.config().permalink("sitemap.xml");
            t.render("robots.txt", context! { site => s(), sitemap_url => url })
        }
        Job::NotFound => {
            let pub_date = site.newest_date().map(context::pub_date);
            let ctx = context! {
                site => s(),
                nav_active => -1,
                current_path => "404.html",
                pub_date => pub_date,
            };
            t.render("404.html", ctx)
        }
        Job::Search => t.render("search.html", search::search_context(site, &views.site)),
        Job::SearchWord(e, w) => t.render(
            "search_word.html",
            search::word_context(site, &views.site, *e, *w),
        ),
        Job::Alias(id, _) => {
            let path = site.path(*id);
            let ctx = context! {
                site => s(),
                title => site.title(*id),
                url => site.config().link(path),
                permalink => site.config().permalink(path),
            };
            t.render("redirect.html", ctx)
        }
    }
}

/// Which menu item is active for a page at site path `path`.
pub fn nav_active(site: &Site, path: &str) -> i64 {
    let mut best: (usize, i64) = (0, -1);
    for (k, m) in site.config().menu.iter().enumerate() {
        if crate::markdown::is_external(&m.url) {
            continue;
        }
        let mp = m.url.trim_start_matches('/');
        let matches = if mp.is_empty() {
            path.is_empty()
        } else {
            path.starts_with(mp)
        };
        if matches && (mp.len() >= best.0 || best.1 < 0) {
            best = (mp.len(), k as i64);
        }
    }
    best.1
}
