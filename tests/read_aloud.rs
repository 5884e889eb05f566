//! 朗读 in a real headless Chromium with a fake `speechSynthesis` (installed before any page
//! script: it records what it is asked to say and ends each sentence after a short while):
//! the control reads exactly the sentences of an article's main text, in order, and nothing
//! of the header, menu or footer; pause stops the speech and 继续 goes on from the same
//! sentence; stop calls `cancel()` and nothing is spoken after it; the control stays hidden
//! where only remote voices, only voices of other languages, or no speech at all exist.

mod common;

use std::sync::OnceLock;

use common::browser::Browser;
use common::{StaticServer, demo_site, read_html, sel};
use serde_json::{Value, json};

const BASE: &str = "/hgz/";

fn server() -> &'static StaticServer {
    static SERVER: OnceLock<StaticServer> = OnceLock::new();
    SERVER.get_or_init(|| StaticServer::start(demo_site(), BASE))
}

/// The fake: the page's address says which voices exist (`?voices=local-zh`, `remote-zh`,
/// `local-en`, `none` for no speechSynthesis at all); each sentence "takes" 150 ms.
const FAKE: &str = r#"
(() => {
  const which = (location.search.match(/voices=([\w-]+)/) || [])[1] || 'local-zh';
  window.__said = [];
  window.__cancels = 0;
  if (which === 'none') {
    try { delete window.speechSynthesis; } catch (e) {}
    Object.defineProperty(window, 'speechSynthesis', { value: undefined, configurable: true });
    return;
  }
  const voices = {
    'local-zh': [{ name: 'en local', lang: 'en-US', localService: true },
                 { name: 'zh remote', lang: 'zh-CN', localService: false },
                 { name: 'zh local', lang: 'zh-CN', localService: true }],
    'remote-zh': [{ name: 'zh remote', lang: 'zh-CN', localService: false }],
    'local-en': [{ name: 'en local', lang: 'en-US', localService: true }],
  }[which];
  let current = null;
  const fake = {
    getVoices: () => voices,
    addEventListener() {},
    cancel() { window.__cancels++; current = null; },
    pause() {}, resume() {},
    speak(u) {
      window.__said.push({ text: u.text, voice: u.voice && u.voice.name });
      current = u;
      setTimeout(() => { if (current === u) { current = null; u.onend && u.onend({}); } }, 150);
    },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();
"#;

fn launch() -> Option<Browser> {
    let mut b = Browser::launch()?;
    b.on_new_document(FAKE);
    Some(b)
}

/// The first article of the demo site, by its address under the base path.
fn article() -> String {
    let doc = read_html(&demo_site().join("articles/index.html"));
    let href = doc
        .select(&sel(".pf-card-title a"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .expect("an article on the list")
        .to_string();
    href.strip_prefix(BASE).unwrap_or(&href).to_string()
}

/// The article's main text as the built file has it (its title and body, without the
/// headings' link signs), every space removed: what the sentences read must add up to.
fn main_text(page: &str) -> String {
    let file = demo_site().join(common::percent_decode(page));
    let doc = read_html(&file.join("index.html"));
    let mut out = String::new();
    for root in doc.select(&sel("main h1, main .pf-body")) {
        for node in root.descendants() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            let skipped = node.ancestors().any(|a| {
                a.value().as_element().is_some_and(|e| {
                    e.has_class("pf-anchor", scraper::CaseSensitivity::CaseSensitive)
                })
            });
            if !skipped {
                out.push_str(text);
            }
        }
    }
    out.split_whitespace().collect()
}

fn said(b: &mut Browser) -> Vec<String> {
    let v = b.eval("window.__said.map(s => s.text)");
    serde_json::from_value(v).unwrap()
}

fn open(b: &mut Browser, page: &str, voices: &str) {
    b.open(&server().url(&format!("{BASE}{page}?voices={voices}")));
}

#[test]
fn it_reads_the_sentences_of_the_main_text_in_order_and_nothing_else() {
    let Some(mut b) = launch() else { return };
    let page = article();
    open(&mut b, &page, "local-zh");
    b.wait_for("!document.querySelector('[data-pf-speak]').hidden", 10);
    b.eval("document.querySelector('.pf-speak-start').click()");
    b.wait_for(
        "window.__said.length > 0 && !document.querySelector('.pf-speak-start').hidden",
        60,
    );
    let sentences = said(&mut b);
    let voices: Value = b.eval("[...new Set(window.__said.map(s => s.voice))]");
    assert_eq!(voices, json!(["zh local"]), "only the local Chinese voice");
    let joined: String = sentences.concat().split_whitespace().collect();
    assert_eq!(
        joined,
        main_text(&page),
        "the sentences, in order, are the text"
    );
    for s in &sentences {
        let body = s.trim_end_matches(['。', '！', '？', '；', '…', '!', '?', ';']);
        assert!(
            !body.contains(['。', '！', '？', '；']),
            "one sentence at a time: {s:?}"
        );
    }
    let page_only = [
        "跳到正文",
        "普法动态",
        "联系我们",
        "搜索",
        "字号配色",
        "长者模式",
    ];
    for s in &sentences {
        for w in page_only {
            assert!(
                !s.contains(w) || joined_has(&page, w),
                "{w:?} read in {s:?}"
            );
        }
    }
    assert!(sentences.len() >= 5, "{sentences:?}");
    // While reading, the sentence being read is marked.
    b.eval("window.__said.length = 0; document.querySelector('.pf-speak-start').click()");
    b.wait_for("window.__said.length >= 2", 10);
    let marked = b.eval("CSS.highlights.has('pf-reading')");
    assert_eq!(marked, json!(true), "the sentence being read is marked");
    b.eval("document.querySelector('.pf-speak-stop').click()");
}

/// Is `word` part of the page's own main text (then reading it is right)?
fn joined_has(page: &str, word: &str) -> bool {
    main_text(page).contains(word)
}

#[test]
fn pause_goes_on_from_the_same_sentence_and_stop_cancels_for_good() {
    let Some(mut b) = launch() else { return };
    open(&mut b, &article(), "local-zh");
    b.wait_for("!document.querySelector('[data-pf-speak]').hidden", 10);
    b.eval("document.querySelector('.pf-speak-start').click()");
    b.wait_for("window.__said.length >= 2", 10);
    b.eval("document.querySelector('.pf-speak-pause').click()");
    let at_pause = said(&mut b);
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(said(&mut b), at_pause, "nothing is said while paused");
    b.eval("document.querySelector('.pf-speak-pause').click()");
    b.wait_for(&format!("window.__said.length > {}", at_pause.len()), 10);
    let resumed = said(&mut b);
    assert_eq!(
        resumed[at_pause.len()],
        at_pause[at_pause.len() - 1],
        "继续 starts again at the sentence that was paused"
    );
    let cancels = b.eval("window.__cancels").as_u64().unwrap();
    b.eval("document.querySelector('.pf-speak-stop').click()");
    let at_stop = said(&mut b);
    assert!(
        b.eval("window.__cancels").as_u64().unwrap() > cancels,
        "stop calls cancel()"
    );
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert_eq!(said(&mut b), at_stop, "nothing is said after stop");
    let start_shown = b.eval("!document.querySelector('.pf-speak-start').hidden");
    assert_eq!(start_shown, json!(true));
}

#[test]
fn the_control_is_hidden_without_a_local_chinese_voice() {
    let Some(mut b) = launch() else { return };
    let page = article();
    for voices in ["remote-zh", "local-en", "none"] {
        open(&mut b, &page, voices);
        // The script looks again 1.5 s after load (some browsers never say the voices
        // changed): wait past that.
        std::thread::sleep(std::time::Duration::from_millis(2000));
        let hidden = b.eval("document.querySelector('[data-pf-speak]').hidden");
        assert_eq!(hidden, json!(true), "{voices}: 朗读 is not offered");
        assert_eq!(b.eval("window.__said.length"), json!(0), "{voices}");
    }
}
