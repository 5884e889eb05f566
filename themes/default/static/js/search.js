// Site search, in the reader's browser: nothing is sent anywhere. This part is the
// tokeniser, written to the same steps as pufa's own (src/search/tokens.rs), so that a query
// finds a text exactly when the text contains it; tests/fixtures/search/tokens.json pins
// both, and a test compares them on ten thousand random strings.
//
// 1. Normalise: NFKC (full-width letters, digits and punctuation become half-width), then
//    lower case.
// 2. Units: every Han character is a unit of its own; a run of other letters and digits is
//    one unit (a word); a run of anything else is one separator. Separators at either end
//    are dropped.
// 3. Tokens: each unit that is not a separator is a term; each two neighbouring units make a
//    pair at the position of the first ("离婚" for two Han characters, else the two joined by
//    a space, a separator written as nothing).
(function (root) {
  "use strict";

  // Code point ranges counted as Han: the same table as src/search/tokens.rs.
  var HAN = [
    [0x3005, 0x3005], [0x3007, 0x3007], [0x3021, 0x3029], [0x3038, 0x303b],
    [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff], [0x20000, 0x323af]
  ];
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var SEP = { sep: true, text: "" };

  function isHan(cp) {
    for (var i = 0; i < HAN.length; i++) {
      if (cp >= HAN[i][0] && cp <= HAN[i][1]) return true;
    }
    return false;
  }

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  // The units of `text`: {han: true, text} | {word: true, text} | SEP.
  function units(text) {
    var out = [];
    var word = "";
    for (var c of normalise(text)) {
      var han = isHan(c.codePointAt(0));
      if (!han && WORD.test(c)) {
        word += c;
        continue;
      }
      if (word) {
        out.push({ word: true, text: word });
        word = "";
      }
      if (han) {
        out.push({ han: true, text: c });
      } else if (out.length && !out[out.length - 1].sep) {
        out.push(SEP);
      }
    }
    if (word) out.push({ word: true, text: word });
    if (out.length && out[out.length - 1].sep) out.pop();
    return out;
  }

  function pair(a, b) {
    return a.han && b.han ? a.text + b.text : a.text + " " + b.text;
  }

  // {terms: [string], pairs: [[string, position]]}
  function tokens(text) {
    var u = units(text);
    var terms = [];
    var pairs = [];
    for (var i = 0; i < u.length; i++) {
      if (!u[i].sep) terms.push(u[i].text);
      if (i + 1 < u.length) pairs.push([pair(u[i], u[i + 1]), i]);
    }
    return { terms: terms, pairs: pairs };
  }

  root.pufaSearch = { normalise: normalise, units: units, tokens: tokens };
})(typeof window !== "undefined" ? window : globalThis);
