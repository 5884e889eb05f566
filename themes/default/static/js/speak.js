// 朗读: reads a page's main text aloud with the browser's own speech (speechSynthesis), one
// sentence at a time, marking the sentence being read. Only a Chinese voice that runs on
// this device (voice.localService) is used: a remote voice would send the text to another
// host, which is unreachable on many networks. Without such a voice the control stays
// hidden. Nothing is sent anywhere.
(function () {
  "use strict";
  var box = document.querySelector("[data-pf-speak]");
  var synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;
  var start = box.querySelector(".pf-speak-start");
  var pause = box.querySelector(".pf-speak-pause");
  var stop = box.querySelector(".pf-speak-stop");
  var voice = null;
  var sentences = null;
  var at = 0; // the sentence being read, or the next to read after a pause
  var run = 0; // increased by every pause and stop: an utterance of an older run is over
  var BLOCKS = /^(P|LI|H[1-6]|TD|TH|DT|DD|BLOCKQUOTE|FIGCAPTION|DIV|SECTION|ARTICLE|HEADER|TR|DL|UL|OL|TABLE|PRE|SUMMARY|DETAILS|FIGURE|FOOTER)$/;
  var ENDS = /[。！？；!?;…]/;

  function pickVoice() {
    var voices = synth.getVoices() || [];
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      var v = voices[i];
      if (!v.localService || !/^zh/i.test(v.lang || "")) continue;
      if (!best || (/^zh[-_]CN/i.test(v.lang) && !/^zh[-_]CN/i.test(best.lang))) best = v;
    }
    return best;
  }

  function ready() {
    if (voice) return;
    voice = pickVoice();
    if (voice) box.hidden = false;
  }

  // An element whose text is not read: marked as decoration or not to be read, a heading's
  // link sign, a footnote number, hidden, or in a closed <details> but its summary (a
  // quiz's 参考答案). Its parent was looked at already: the walk skips whole subtrees.
  function skipped(el) {
    return el.matches("[aria-hidden='true'], .pf-anchor, .footnote-reference, script, style, [data-noread]")
      || (el.tagName !== "SUMMARY" && el.parentElement.matches("details:not([open])"))
      || el.getClientRects().length === 0;
  }

  // The sentences of the page's main text ([data-pf-read] elements, in order): each with
  // its text and the DOM range it covers. A sentence ends at 。！？； and at the end of a
  // block (a paragraph, a list item, a heading…), and never spans two blocks.
  function collect() {
    var out = [];
    var cur = null;
    function end() {
      if (cur && cur.text.replace(/\s+/g, "")) {
        cur.text = cur.text.replace(/\s+/g, " ").trim();
        out.push(cur);
      }
      cur = null;
    }
    function text(node) {
      var s = node.nodeValue;
      var from = 0;
      for (var i = 0; i <= s.length; i++) {
        var last = i === s.length;
        if (!last && !ENDS.test(s.charAt(i))) continue;
        var to = last ? s.length : i + 1;
        if (to > from) {
          if (!cur) cur = { text: "", node: node, offset: from };
          cur.text += s.slice(from, to);
          cur.endNode = node;
          cur.endOffset = to;
        }
        from = to;
        if (!last) end();
      }
    }
    function walk(el) {
      for (var n = el.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3) text(n);
        else if (n.nodeType === 1 && !skipped(n)) {
          var block = BLOCKS.test(n.tagName) || n.tagName === "BR";
          if (block) end();
          walk(n);
          if (block) end();
        }
      }
    }
    var roots = document.querySelectorAll("[data-pf-read]");
    for (var r = 0; r < roots.length; r++) {
      end();
      walk(roots[r]);
    }
    end();
    return out;
  }

  function mark(s) {
    if (!window.CSS || !CSS.highlights || typeof window.Highlight !== "function") return;
    if (!s) {
      CSS.highlights.delete("pf-reading");
      return;
    }
    var range = document.createRange();
    range.setStart(s.node, s.offset);
    range.setEnd(s.endNode, s.endOffset);
    CSS.highlights.set("pf-reading", new Highlight(range));
    var box = range.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      var el = s.node.parentElement;
      if (el) el.scrollIntoView({ block: "center" });
    }
  }

  function controls(reading, paused) {
    start.hidden = reading;
    pause.hidden = !reading;
    stop.hidden = !reading;
    pause.textContent = paused ? "继续" : "暂停";
    pause.setAttribute("aria-pressed", paused ? "true" : "false");
  }

  function speak(i, mine) {
    if (mine !== run) return;
    if (i >= sentences.length) {
      finish();
      return;
    }
    at = i;
    mark(sentences[i]);
    var u = new SpeechSynthesisUtterance(sentences[i].text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    u.onend = function () {
      speak(i + 1, mine);
    };
    u.onerror = function (e) {
      // Cancelled by a pause or stop: that run is over already. Any other error ends it.
      if (mine === run && e.error !== "interrupted" && e.error !== "canceled") finish();
    };
    synth.speak(u);
  }

  function begin(i) {
    run++;
    synth.cancel();
    controls(true, false);
    speak(i, run);
  }

  function halt() {
    run++;
    synth.cancel();
  }

  function finish() {
    halt();
    mark(null);
    at = 0;
    controls(false, false);
  }

  start.addEventListener("click", function () {
    if (!voice) return;
    sentences = collect();
    if (sentences.length) begin(0);
  });
  pause.addEventListener("click", function () {
    if (pause.getAttribute("aria-pressed") === "true") {
      begin(at);
    } else {
      halt();
      controls(true, true);
    }
  });
  stop.addEventListener("click", function () {
    finish();
    start.focus();
  });
  // Leaving the page stops the speech; coming back to it (the back button) starts afresh.
  window.addEventListener("pagehide", halt);
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) finish();
  });

  ready();
  if (!voice) {
    if (synth.addEventListener) synth.addEventListener("voiceschanged", ready);
    // Some browsers never send voiceschanged: look once more a little later.
    setTimeout(ready, 1500);
  }
})();
