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

  // --- Reading the index (the format of src/search/index.rs) ---

  // FNV-1a (32 bit) over the UTF-16 code units of `token`.
  function tokenHash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function readVarint(data, at) {
    var n = 0, mul = 1, b;
    do {
      if (at.i >= data.length) throw new Error("index shard cut short");
      b = data[at.i++];
      n += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return n;
  }

  var utf8 = typeof TextDecoder !== "undefined" ? new TextDecoder() : null;

  // The postings of `token` in a shard: [[doc, packed, [positions]]] (positions only in pair
  // shards). `packed` is count << 5 | length class << 2 | in heading << 1 | in title.
  function readPostings(data, pairs, token) {
    var at = { i: 0 };
    while (at.i < data.length) {
      var len = readVarint(data, at);
      var key = utf8.decode(data.subarray(at.i, at.i + len));
      at.i += len;
      var count = readVarint(data, at);
      var wanted = key === token;
      var out = [];
      var doc = 0;
      for (var k = 0; k < count; k++) {
        doc += readVarint(data, at);
        var packed = readVarint(data, at);
        var positions = [];
        if (pairs) {
          var n = Math.floor(packed / 32), p = 0;
          for (var j = 0; j < n; j++) {
            p += readVarint(data, at);
            if (wanted) positions.push(p);
          }
        }
        if (wanted) out.push([doc, packed, positions]);
      }
      if (wanted) return out;
    }
    return [];
  }

  // An index at `base` (the folder's address, ending in "/"), described by `meta` (its
  // meta.json); shards are fetched as queries need them, each once.
  function Index(base, meta) {
    this.base = base;
    this.meta = meta;
    this.shards = new Map();
  }

  Index.open = function (base) {
    return fetch(base + "meta.json").then(function (r) {
      if (!r.ok) throw new Error("search index not found: " + r.status);
      return r.json();
    }).then(function (meta) { return new Index(base, meta); });
  };

  Index.prototype.file = function (name) {
    if (!this.shards.has(name)) {
      var url = this.base + name + ".gz";
      this.shards.set(name, fetch(url).then(function (r) {
        if (r.status === 404) return new Uint8Array(0);
        if (!r.ok) throw new Error("search shard " + url + ": " + r.status);
        var body = r.body.pipeThrough(new DecompressionStream("gzip"));
        return new Response(body).arrayBuffer();
      }).then(function (b) { return new Uint8Array(b); }));
    }
    return this.shards.get(name);
  };

  // The file holding `token`'s postings: its own when it is a big token, else its shard.
  Index.prototype.fileOf = function (pairs, token) {
    var folder = pairs ? "p" : "t";
    var list = this.meta[folder];
    var big = list.big.indexOf(token);
    return folder + "/" + (big >= 0 ? "b" + big : tokenHash(token) % list.n);
  };

  Index.prototype.postings = function (pairs, token) {
    return this.file(this.fileOf(pairs, token)).then(function (data) {
      return readPostings(data, pairs, token);
    });
  };

  function findDoc(list, doc) {
    var lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid][0] === doc) return list[mid];
      if (list[mid][0] < doc) lo = mid + 1; else hi = mid - 1;
    }
    return null;
  }

  // Documents where list k's token occurs at p + k for some p, for every k.
  function consecutive(lists) {
    var out = [];
    lists[0].forEach(function (first) {
      var doc = first[0];
      var others = [];
      for (var k = 1; k < lists.length; k++) {
        var hit = findDoc(lists[k], doc);
        if (!hit) return;
        others.push(new Set(hit[2]));
      }
      var ok = first[2].some(function (s) {
        return others.every(function (set, k) { return set.has(s + k + 1); });
      });
      if (ok) out.push(doc);
    });
    return out;
  }

  // The documents whose units contain the units `u` in a row.
  Index.prototype.phrase = function (u) {
    if (u.length === 1) {
      return this.postings(false, u[0].text).then(function (l) {
        return l.map(function (x) { return x[0]; });
      });
    }
    var wanted = [];
    for (var i = 0; i + 1 < u.length; i++) wanted.push(this.postings(true, pair(u[i], u[i + 1])));
    return Promise.all(wanted).then(consecutive);
  };

  // The documents containing every space-separated part of `query`, in order.
  Index.prototype.search = function (query) {
    var self = this;
    var parts = normalise(query).split(/\s+/).map(units).filter(function (u) { return u.length; });
    if (!parts.length) return Promise.resolve([]);
    return Promise.all(parts.map(function (u) { return self.phrase(u); })).then(function (lists) {
      return lists.reduce(function (acc, l) {
        var keep = new Set(l);
        return acc.filter(function (d) { return keep.has(d); });
      });
    });
  };

  root.pufaSearch = {
    normalise: normalise, units: units, tokens: tokens, tokenHash: tokenHash, Index: Index
  };
})(typeof window !== "undefined" ? window : globalThis);
