//! Render step, content pages: the template context of each page and of the A4 print view
//! (poster, handout) of events and lessons, which carries a QR code of the page's address.

use minijinja::context;
use minijinja::value::Value;

use super::context::page_own;
use super::objects::PageView;
use super::{Views, nav_active};
use crate::content::Kind;
use crate::site::{PageId, Site};

/// The template of a content page of `kind`.
pub fn page_template(kind: Kind) -> &'static str {
    match kind {
        Kind::Article => "article.html",
        Kind::Event => "event.html",
        Kind::Lesson => "lesson.html",
        Kind::Page => "page.html",
    }
}

/// The template of the print view of a page of `kind`, if it has one.
pub fn print_template(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Event => Some("event_print.html"),
        Kind::Lesson => Some("lesson_print.html"),
        _ => None,
    }
}

/// The context of content page `id` (`print`: of its print view, with the QR code).
pub fn page_context(site: &Site, views: &Views<'_>, id: PageId, print: bool) -> Value {
    let path = site.path(id).to_string();
    let mut own = page_own(site, id);
    if print {
        let title = site.title(id);
        let qr = super::qr::qr_svg(
            &site.config().permalink(&path),
            &format!("“{title}”的网址二维码"),
        );
        if let Some(slot) = own.last_mut() {
            *slot = super::context::optional_text(qr);
        }
    }
    let page = PageView {
        card: views.card_object(id),
        own,
    };
    context! {
        site => views.site.clone(),
        page => Value::from_object(page),
        nav_active => nav_active(site, &path),
        current_path => path,
    }
}
