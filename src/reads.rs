//! What a computation read: the facts of the build that a value was made from, recorded as
//! it runs, so that a rebuild can tell which values may have changed without anyone listing
//! their inputs by hand.
//!
//! A [`Fact`] names one piece of the build's state: a page's title, the order of the
//! articles, the tag `pufa`, a field of a page's card, a template… Code that hands out
//! state (the site graph's getters, the view models' `get_value`, the template functions)
//! calls [`read`] with the fact it is handing out; code that makes a value it wants to
//! reuse later runs under [`record`] and gets back every fact read. A fact is *dirty* in a
//! rebuild when the value it names changed; a value is made again when any fact it read is
//! dirty. [`Deps`] is the reverse index from facts to the values that read them.
//!
//! A one-off build records nothing: with no recorder active on the thread, [`read`] costs
//! a check of a thread-local flag.

use std::cell::{Cell, RefCell};
use std::hash::Hash;

use crate::fingerprint::{FastMap, FastSet};

/// A stable identity for a content page within a series of builds (a slot number given
/// to its source file; never reused for another file).
pub type PageId = u32;

/// A string key (a folder, a slug, a site path, a template name) by its 64-bit
/// fingerprint. Two keys sharing a fingerprint would only make a rebuild do more work
/// (each stands for the other), never less.
pub type Sym = u64;

/// The fingerprint of a string key.
pub fn sym(s: &str) -> Sym {
    crate::fingerprint::of(s)
}

/// One piece of a build's state that a value can depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fact {
    /// The configuration (site.yaml, with the checked menu and contact links).
    Config,
    /// The instant "now".
    Now,
    /// Today's date (in the site's time zone).
    Today,
    /// Everything about a content page (its parsed file).
    Page(PageId),
    /// A page's title only.
    PageTitle(PageId),
    /// A page's site path only.
    PagePath(PageId),
    /// A page's `date` and `updated` only.
    PageDates(PageId),
    /// A page's final body HTML (links resolved).
    Html(PageId),
    /// The files a page's front matter names, resolved: its cover and its recording.
    Cover(PageId),
    /// An event's status (upcoming, ongoing, past).
    Status(PageId),
    /// A lesson's series and place in it.
    Lesson(PageId),
    /// A page published ahead of its date (`--future`), marked 待发布.
    Scheduled(PageId),
    /// The order of the series.
    SeriesList,
    /// One series (by folder): title, intro, lessons.
    Series(Sym),
    /// The columns (栏目) there are, in order.
    Columns,
    /// One column (by folder): its settings and pages.
    Column(Sym),
    /// A section's title and intro (by content folder).
    Section(Sym),
    /// Published articles, newest first.
    Articles,
    /// Coming and ongoing events, soonest first.
    EventsCurrent,
    /// Past events, latest first.
    EventsPast,
    /// The years with an archive page of past events.
    EventYears,
    /// The events of the site's calendar file: coming ones and those of the past year.
    CalendarEvents,
    /// The newest entries of a feed (0: the site's, 1–3: articles, events, lessons).
    FeedEntries(u8),
    /// The tags, by slug.
    Tags,
    /// One tag (by slug): its name and pages.
    Tag(Sym),
    /// The list pages there are.
    Lists,
    /// One list page (by site path): what it shows.
    List(Sym),
    /// The pages citing a statute article (law index, article number, sub-number).
    CitedBy(u32, u32, u32),
    /// The statute library.
    Library,
    /// Content files to copy and where they go.
    Assets,
    /// Which pages are published (the set, in source order).
    Published,
    /// The newest page date of the site (the 404 page's PubDate).
    NewestDate,
    /// A theme or site static file (its content hash), by path.
    Static(Sym),
    /// A template's source (by name, after the theme chain).
    Template(Sym),
    /// Link resolution: what a site path leads to (by path).
    LinkPath(Sym),
    /// Link resolution: what a content source path leads to (by source).
    LinkSource(Sym),
    /// Link resolution: the ids (anchors) a site path offers.
    LinkIds(Sym),
    /// Link resolution: where a content file (image, PDF) is written.
    LinkAsset(Sym),
    /// Link resolution: the set of content source paths (for "did you mean" hints).
    LinkAllSources,
    /// A field of a view model (object, field number).
    Field(ObjId, u16),
}

/// A view model that templates read field by field (see `render::objects`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjId {
    /// `site`.
    Site,
    /// The card of a page (what lists show of it; also the page's own `page` fields).
    Card(PageId),
}

thread_local! {
    /// Is a recorder active on this thread?
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    /// The facts read so far by each active recording, innermost last.
    static FRAMES: RefCell<Vec<Vec<Fact>>> = const { RefCell::new(Vec::new()) };
}

/// For tests only: a kind of fact to leave out of every recording, as a reader that forgot
/// an input would (`tests/planted_stale_key.rs` shows the rebuild-equivalence check then
/// fails). 0: none; [`FORGET_TAGS`]: the tags.
#[doc(hidden)]
pub static FORGET: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
#[doc(hidden)]
pub const FORGET_TAGS: u8 = 1;

/// Note that the running computation read `fact`.
#[inline]
pub fn read(fact: Fact) {
    if ACTIVE.with(Cell::get) {
        if matches!(fact, Fact::Tag(_))
            && FORGET.load(std::sync::atomic::Ordering::Relaxed) == FORGET_TAGS
        {
            return;
        }
        FRAMES.with(|f| {
            if let Some(top) = f.borrow_mut().last_mut() {
                top.push(fact);
            }
        });
    }
}

/// Note several facts at once (a cached value's reads, replayed for its new reader).
pub fn read_all(facts: &[Fact]) {
    if ACTIVE.with(Cell::get) {
        FRAMES.with(|f| {
            if let Some(top) = f.borrow_mut().last_mut() {
                top.extend_from_slice(facts);
            }
        });
    }
}

/// Is a recording running on this thread?
pub fn is_recording() -> bool {
    ACTIVE.with(Cell::get)
}

/// Pops the frame even if the computation panics.
struct Frame;

impl Drop for Frame {
    fn drop(&mut self) {
        FRAMES.with(|f| {
            let mut f = f.borrow_mut();
            f.pop();
            ACTIVE.with(|a| a.set(!f.is_empty()));
        });
    }
}

/// Run `f` and return what it made with every fact it read (sorted, without repeats). The
/// reads are its own: an enclosing recording does not see them.
pub fn record<T>(f: impl FnOnce() -> T) -> (T, Vec<Fact>) {
    FRAMES.with(|fr| fr.borrow_mut().push(Vec::new()));
    ACTIVE.with(|a| a.set(true));
    let guard = Frame;
    let value = f();
    let mut facts = FRAMES.with(|fr| fr.borrow_mut().last_mut().map(std::mem::take));
    drop(guard);
    let mut facts = facts.take().unwrap_or_default();
    facts.sort_unstable();
    facts.dedup();
    (value, facts)
}

/// Run `f` recording its reads when `on`, or plainly (and with no facts) when not.
pub fn record_if<T>(on: bool, f: impl FnOnce() -> T) -> (T, Vec<Fact>) {
    if on { record(f) } else { (f(), Vec::new()) }
}

/// The facts that changed, as a build finds them. Switched off, it notes nothing: a first
/// build makes everything anyway, and noting every fact of a big site costs time.
#[derive(Debug, Default)]
pub struct Dirty {
    on: bool,
    set: FastSet<Fact>,
}

impl Dirty {
    /// Note changes from now on (`true`) or not.
    pub fn switch(&mut self, on: bool) {
        self.on = on;
    }

    pub fn insert(&mut self, f: Fact) {
        if self.on {
            self.set.insert(f);
        }
    }

    pub fn extend(&mut self, facts: impl IntoIterator<Item = Fact>) {
        if self.on {
            self.set.extend(facts);
        }
    }

    pub fn contains(&self, f: &Fact) -> bool {
        self.set.contains(f)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.set.iter()
    }

    /// The facts noted so far (and none left).
    pub fn take(&mut self) -> FastSet<Fact> {
        std::mem::take(&mut self.set)
    }
}

/// The reverse index from facts to the values (`R`) that read them, and each value's
/// facts. Edges of facts a value no longer reads are left behind and skipped (a value's
/// own list is the truth), and cleared out when they outnumber the live ones.
#[derive(Debug)]
pub struct Deps<R> {
    readers: FastMap<Fact, Vec<R>>,
    of: FastMap<R, Vec<Fact>>,
    /// Edges in `readers`, and how many of them are stale.
    edges: usize,
    stale: usize,
}

impl<R> Default for Deps<R> {
    fn default() -> Self {
        Deps {
            readers: FastMap::default(),
            of: FastMap::default(),
            edges: 0,
            stale: 0,
        }
    }
}

impl<R: Copy + Eq + Hash> Deps<R> {
    /// `reader` now depends on `facts` (sorted, without repeats, as [`record`] gives them).
    pub fn set(&mut self, reader: R, facts: Vec<Fact>) {
        let old = self.of.remove(&reader).unwrap_or_default();
        // Both lists are sorted: one pass over the two side by side.
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < facts.len() {
            match (old.get(i), facts.get(j)) {
                (Some(a), Some(b)) if a == b => {
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a < b => {
                    self.stale += 1;
                    i += 1;
                }
                (Some(_), None) => {
                    self.stale += 1;
                    i += 1;
                }
                (_, Some(b)) => {
                    self.readers.entry(*b).or_default().push(reader);
                    self.edges += 1;
                    j += 1;
                }
                (None, None) => break,
            }
        }
        self.of.insert(reader, facts);
        self.clean_up_if_due();
    }

    /// Forget `reader` (its value is gone).
    pub fn remove(&mut self, reader: R) {
        if let Some(old) = self.of.remove(&reader) {
            self.stale += old.len();
            self.clean_up_if_due();
        }
    }

    /// Every reader that read any of `dirty`.
    pub fn readers_of<'a>(&self, dirty: impl IntoIterator<Item = &'a Fact>) -> FastSet<R> {
        let mut out = FastSet::default();
        for f in dirty {
            for r in self.readers.get(f).into_iter().flatten() {
                if self
                    .of
                    .get(r)
                    .is_some_and(|facts| facts.binary_search(f).is_ok())
                {
                    out.insert(*r);
                }
            }
        }
        out
    }

    /// Clean up once stale edges outnumber live ones (so each costs O(1) over time).
    fn clean_up_if_due(&mut self) {
        if self.stale > 100_000 && self.stale * 2 > self.edges {
            self.compact();
        }
    }

    /// Drop the edges of facts their readers no longer read.
    fn compact(&mut self) {
        let of = &self.of;
        let mut seen: FastSet<R> = FastSet::default();
        self.readers.retain(|f, rs| {
            // A reader that dropped a fact and read it again has two edges to it.
            seen.clear();
            rs.retain(|r| {
                of.get(r)
                    .is_some_and(|facts| facts.binary_search(f).is_ok())
                    && seen.insert(*r)
            });
            !rs.is_empty()
        });
        self.edges = self.readers.values().map(Vec::len).sum();
        self.stale = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_nested_frames_apart() {
        let ((inner, outer_before), facts) = record(|| {
            read(Fact::Config);
            let (_, inner) = record(|| read(Fact::Page(3)));
            read(Fact::Today);
            (inner, is_recording())
        });
        assert_eq!(inner, vec![Fact::Page(3)]);
        assert!(outer_before);
        assert_eq!(facts, vec![Fact::Config, Fact::Today]);
        assert!(!is_recording());
        // Outside any recording, reads go nowhere.
        read(Fact::Config);
        let (_, none) = record_if(false, || read(Fact::Config));
        assert!(none.is_empty());
    }

    #[test]
    fn readers_follow_what_was_read_last() {
        let mut d: Deps<u32> = Deps::default();
        d.set(1, vec![Fact::Config, Fact::Page(1)]);
        d.set(2, vec![Fact::Page(1)]);
        assert_eq!(d.readers_of(&[Fact::Page(1)]).len(), 2);
        d.set(1, vec![Fact::Config]);
        let r = d.readers_of(&[Fact::Page(1)]);
        assert!(r.contains(&2) && !r.contains(&1));
        d.remove(2);
        assert!(d.readers_of(&[Fact::Page(1)]).is_empty());
        d.compact();
        assert_eq!(d.readers_of(&[Fact::Config]).len(), 1);
    }

    impl Deps<u32> {
        /// The bookkeeping that decides when to clean up: every edge counted, the stale
        /// ones being exactly those no reader reads now.
        fn check(&self, when: &str) {
            let edges: usize = self.readers.values().map(Vec::len).sum();
            let live: usize = self.of.values().map(Vec::len).sum();
            assert_eq!(self.edges, edges, "{when}: edges counted");
            assert_eq!(self.edges - self.stale, live, "{when}: stale edges counted");
        }
    }

    #[test]
    fn edges_and_stale_edges_are_counted_exactly() {
        let mut d: Deps<u32> = Deps::default();
        // A fixed pseudo-random walk of sets and removals over 12 readers and 40 facts.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        // What the counts must be: an edge for each fact a reader starts to read, a stale
        // one for each it stops reading; a fact read again adds nothing.
        let (mut edges, mut stale) = (0, 0);
        let mut model: std::collections::HashMap<u32, std::collections::BTreeSet<Fact>> =
            Default::default();
        for step in 0..2000 {
            let reader = next(12) as u32;
            let old = model.remove(&reader).unwrap_or_default();
            if next(5) == 0 {
                stale += old.len();
                d.remove(reader);
            } else {
                let mut facts: Vec<Fact> =
                    (0..next(8)).map(|_| Fact::Page(next(40) as u32)).collect();
                facts.sort_unstable();
                facts.dedup();
                let new: std::collections::BTreeSet<Fact> = facts.iter().copied().collect();
                edges += new.difference(&old).count();
                stale += old.difference(&new).count();
                model.insert(reader, new);
                d.set(reader, facts);
            }
            assert_eq!((d.edges, d.stale), (edges, stale), "step {step}");
            d.check(&format!("step {step}"));
            for f in 0..40 {
                let fact = Fact::Page(f);
                let want: FastSet<u32> =
                    d.of.iter()
                        .filter(|(_, fs)| fs.contains(&fact))
                        .map(|(r, _)| *r)
                        .collect();
                assert_eq!(
                    d.readers_of(&[fact]),
                    want,
                    "step {step}: readers of {fact:?}"
                );
            }
        }
        d.compact();
        d.check("compacted");
        assert_eq!(d.stale, 0);
    }

    #[test]
    fn stale_edges_are_cleared_once_they_outnumber_live_ones() {
        let facts = |r: std::ops::Range<u32>| r.map(Fact::Page).collect::<Vec<_>>();
        let mut d: Deps<u32> = Deps::default();
        d.set(1, facts(0..100_000));
        d.remove(1);
        // 100,000 stale edges and no live one: not yet more than 100,000.
        assert_eq!((d.stale, d.edges), (100_000, 100_000));
        d.set(2, facts(0..1));
        d.remove(2);
        assert_eq!((d.stale, d.edges), (0, 0), "cleared past 100,000");
        d.set(1, facts(0..150_000));
        d.set(1, facts(0..49_999));
        // 100,001 stale of 150,000: more than half.
        assert_eq!((d.stale, d.edges), (0, 49_999));
        // Over the floor, but not more than half of all edges: kept.
        d.set(2, facts(1_000_000..1_300_000));
        d.set(1, facts(200_000..250_000));
        d.set(1, facts(300_000..350_000));
        d.set(1, facts(400_000..400_002));
        assert_eq!((d.stale, d.edges), (149_999, 450_001));
        d.check("over the floor");
        let mut e: Deps<u32> = Deps::default();
        e.set(1, facts(0..150_000));
        e.set(1, facts(150_000..300_000));
        // Exactly half: kept.
        assert_eq!((e.stale, e.edges), (150_000, 300_000));
        e.set(1, facts(500_000..500_001));
        assert_eq!((e.stale, e.edges), (0, 1));
        assert_eq!(e.readers_of(&[Fact::Page(500_000)]).len(), 1);
    }
}
