//! Render step, the view models templates read field by field: `site`, and each page's card
//! (what lists show of a page, and the card part of `page`). Each is a minijinja object
//! that notes every field a template reads ([`Fact::Field`]), so an output depends on the
//! fields it printed, not on everything it was handed. Between rebuilds a view model is made
//! again when the graph facts it was made from changed, and [`Fields::changed`] tells which
//! of its fields differ (compared strictly: `1` and `1.0`, or a safe and a plain string,
//! print differently and are different).

use std::sync::Arc;

use minijinja::value::{Enumerator, Object, Value, ValueKind};

use crate::reads::{Fact, ObjId, read};

/// The fields of a card, in the order templates enumerate them.
pub const CARD_FIELDS: [&str; 22] = [
    "kind",
    "kind_label",
    "title",
    "url",
    "permalink",
    "date",
    "date_display",
    "date_iso",
    "pub_date",
    "updated",
    "updated_display",
    "summary",
    "tags",
    "author",
    "cover",
    "reading_minutes",
    "char_count",
    "event",
    "lesson",
    "extra",
    "scheduled",
    "terms",
];

/// The place of a card field in [`CARD_FIELDS`] (templates read cards most).
fn card_field(name: &str) -> Option<usize> {
    Some(match name {
        "kind" => 0,
        "kind_label" => 1,
        "title" => 2,
        "url" => 3,
        "permalink" => 4,
        "date" => 5,
        "date_display" => 6,
        "date_iso" => 7,
        "pub_date" => 8,
        "updated" => 9,
        "updated_display" => 10,
        "summary" => 11,
        "tags" => 12,
        "author" => 13,
        "cover" => 14,
        "reading_minutes" => 15,
        "char_count" => 16,
        "event" => 17,
        "lesson" => 18,
        "extra" => 19,
        "scheduled" => 20,
        "terms" => 21,
        _ => return None,
    })
}

/// The fields of `site`.
pub const SITE_FIELDS: [&str; 16] = [
    "title",
    "description",
    "base_url",
    "base_path",
    "domain",
    "language",
    "site_id_code",
    "content_source",
    "menu",
    "contact",
    "footer",
    "extra",
    "feed_url",
    "year",
    "search_url",
    "taxonomies",
];

/// A content page's own fields, besides its card's.
pub const OWN_FIELDS: [&str; 10] = [
    "content",
    "toc",
    "toc_html",
    "source",
    "column",
    "jsonld",
    "print_url",
    "ics_url",
    "audio",
    "qr_svg",
];

/// Every field of `page` on a content page: the card's, then its own.
const PAGE_FIELDS: [&str; 31] = [
    "kind",
    "kind_label",
    "title",
    "url",
    "permalink",
    "date",
    "date_display",
    "date_iso",
    "pub_date",
    "updated",
    "updated_display",
    "summary",
    "tags",
    "author",
    "cover",
    "reading_minutes",
    "char_count",
    "event",
    "lesson",
    "extra",
    "terms",
    "content",
    "toc",
    "toc_html",
    "source",
    "column",
    "jsonld",
    "print_url",
    "ics_url",
    "audio",
    "qr_svg",
];

/// A view model: named fields that note their reads.
#[derive(Debug)]
pub struct Fields {
    id: ObjId,
    names: &'static [&'static str],
    values: Vec<Value>,
}

impl Fields {
    pub fn new(id: ObjId, names: &'static [&'static str], values: Vec<Value>) -> Arc<Fields> {
        debug_assert_eq!(names.len(), values.len());
        Arc::new(Fields { id, names, values })
    }

    pub fn id(&self) -> ObjId {
        self.id
    }

    /// Field `name`, noting the read.
    pub fn field(&self, name: &str) -> Option<Value> {
        let i = if std::ptr::eq(self.names, &CARD_FIELDS[..]) {
            card_field(name)?
        } else {
            self.names.iter().position(|n| *n == name)?
        };
        read(Fact::Field(self.id, i as u16));
        self.values.get(i).cloned()
    }

    /// The fields that differ from `old` (the same view model made before).
    pub fn changed(&self, old: &Fields) -> Vec<Fact> {
        self.values
            .iter()
            .zip(&old.values)
            .enumerate()
            .filter(|(_, (a, b))| !strictly_equal(a, b))
            .map(|(i, _)| Fact::Field(self.id, i as u16))
            .collect()
    }

    /// Every field's fact (for a view model that appeared or went).
    pub fn all_facts(&self) -> impl Iterator<Item = Fact> + '_ {
        (0..self.values.len()).map(|i| Fact::Field(self.id, i as u16))
    }
}

impl Object for Fields {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.field(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.field(key)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(self.names)
    }
}

/// `page` on a content page: its card's fields, and its own (made for this output only).
#[derive(Debug)]
pub struct PageView {
    pub card: Arc<Fields>,
    /// Values of [`OWN_FIELDS`].
    pub own: Vec<Value>,
}

impl Object for PageView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        match OWN_FIELDS.iter().position(|n| *n == key) {
            Some(i) => self.own.get(i).cloned(),
            None => self.card.field(key),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&PAGE_FIELDS)
    }
}

/// Do two values print the same in every template? Equal, and of the same kind, safety
/// and form all the way down (minijinja's `==` holds between `true` and `1`, `1` and
/// `1.0`, and a safe string and a plain one).
pub fn strictly_equal(a: &Value, b: &Value) -> bool {
    if a.kind() != b.kind() || a.is_safe() != b.is_safe() {
        return false;
    }
    match a.kind() {
        ValueKind::Number => a.is_integer() == b.is_integer() && a == b,
        ValueKind::Seq | ValueKind::Iterable => match (a.try_iter(), b.try_iter()) {
            (Ok(x), Ok(y)) => {
                let (x, y): (Vec<Value>, Vec<Value>) = (x.collect(), y.collect());
                x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| strictly_equal(p, q))
            }
            _ => false,
        },
        ValueKind::Map => {
            let pairs = |v: &Value| -> Option<Vec<(Value, Value)>> {
                let keys: Vec<Value> = v.try_iter().ok()?.collect();
                keys.into_iter()
                    .map(|k| v.get_item(&k).ok().map(|x| (k, x)))
                    .collect()
            };
            match (pairs(a), pairs(b)) {
                (Some(x), Some(y)) => {
                    x.len() == y.len()
                        && x.iter()
                            .zip(&y)
                            .all(|(p, q)| strictly_equal(&p.0, &q.0) && strictly_equal(&p.1, &q.1))
                }
                _ => false,
            }
        }
        ValueKind::Plain | ValueKind::Invalid => format!("{a:?}") == format!("{b:?}"),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_equality_tells_apart_what_prints_differently() {
        let v = |j: serde_json::Value| Value::from(minijinja::value::Serde(j));
        assert!(strictly_equal(
            &v(serde_json::json!({"a": [1, "x"]})),
            &v(serde_json::json!({"a": [1, "x"]}))
        ));
        assert!(!strictly_equal(
            &v(serde_json::json!({"a": 1})),
            &v(serde_json::json!({"a": 1.0}))
        ));
        assert!(!strictly_equal(
            &v(serde_json::json!([true])),
            &v(serde_json::json!([1]))
        ));
        assert!(!strictly_equal(
            &Value::from_safe_string("<b>".into()),
            &Value::from("<b>")
        ));
        assert!(!strictly_equal(&Value::from(()), &Value::UNDEFINED));
    }

    #[test]
    fn card_fields_are_found_by_name() {
        for (i, n) in CARD_FIELDS.iter().enumerate() {
            assert_eq!(card_field(n), Some(i));
        }
        assert_eq!(card_field("nope"), None);
    }

    #[test]
    fn fields_note_their_reads() {
        let f = Fields::new(
            ObjId::Card(7),
            &CARD_FIELDS,
            vec![Value::from(1); CARD_FIELDS.len()],
        );
        let (_, facts) = crate::reads::record(|| {
            let o = Value::from_dyn_object(f.clone());
            let _ = o.get_attr("title");
        });
        assert_eq!(facts, vec![Fact::Field(ObjId::Card(7), 2)]);
    }
}
