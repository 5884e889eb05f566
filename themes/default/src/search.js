// Site search, in the reader's browser: nothing is sent anywhere. (This is the source: the
// theme publishes static/js/search.js, made from it by scripts/minify_js.sh.) This part is the
// tokeniser, written to the same steps as pufa's own (src/search/tokens.rs), so that a query
// finds a text exactly when the text contains it; tests/fixtures/search/tokens.json pins
// both, and a test compares them on ten thousand random strings.
//
// 1. Normalise: NFKC (full-width letters, digits and punctuation become half-width), then
//    lower case.
// 2. Units: every Han character is a unit of its own; a run of other letters and digits is
//    one unit (a word); a run of anything else is one separator. Separators at either end
//    are dropped.
// 3. Tokens: each unit that is not a separator is a term; each two neighbouring units that
//    are not separators make a pair at the position of the first ("离婚" for two Han
//    characters, else the two joined by a space), and each two units with a separator
//    between them a gap pair at the position of the first ("典|第"; it holds three units).
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

  // The pairs and gap pairs of units `u`: [[token, position, units it holds]].
  function pairTokens(u) {
    var out = [];
    for (var i = 0; i + 1 < u.length; i++) {
      if (u[i].sep) continue;
      if (!u[i + 1].sep) out.push([pair(u[i], u[i + 1]), i, 2]);
      else if (i + 2 < u.length) out.push([u[i].text + "|" + u[i + 2].text, i, 3]);
    }
    return out;
  }

  // {terms: [string], pairs: [[string, position]]}
  function tokens(text) {
    var u = units(text);
    var terms = [];
    for (var i = 0; i < u.length; i++) {
      if (!u[i].sep) terms.push(u[i].text);
    }
    var pairs = pairTokens(u).map(function (t) { return [t[0], t[1]]; });
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

  // Bits from bit `r.b` of `r.d`, most significant first (pair shards, see readPairs).
  function readBits(r, n) {
    var v = 0;
    while (n > 0) {
      var byte = r.d[r.b >> 3];
      if (byte === undefined) throw new Error("index shard cut short");
      var left = 8 - (r.b & 7), take = left < n ? left : n;
      v = v * (1 << take) + ((byte >> (left - take)) & ((1 << take) - 1));
      r.b += take;
      n -= take;
    }
    return v;
  }

  // A Rice-coded number with parameter k: zeros, a one, k bits; ESCAPE zeros are followed
  // by the number in RAW bits. With `skip`, passed over (0 is given).
  var ESCAPE = 24, RAW = 40;
  function readRice(r, k, skip) {
    var from = r.b, q = 0;
    for (;;) {
      var byte = r.d[r.b >> 3];
      if (byte === undefined) throw new Error("index shard cut short");
      var rest = (byte << (r.b & 7)) & 0xff;
      var zeros = rest ? Math.clz32(rest) - 24 : 8 - (r.b & 7);
      q += zeros;
      if (q >= ESCAPE) {
        r.b = from + ESCAPE;
        return readBits(r, RAW);
      }
      r.b += zeros;
      if (rest) break;
    }
    r.b++;
    if (skip) {
      r.b += k;
      return 0;
    }
    return q * Math.pow(2, k) + readBits(r, k);
  }

  // The postings of `token` in a shard: [[doc, packed, at]], where `packed` is count << 2 |
  // in heading << 1 | in title and, in a pair shard, `at` is where the document's positions
  // start (read when needed, by `positions`; the list's `data` and `k` are what they are read
  // from). A term shard's entry is varints: a document's gap written doubled, plus one when
  // `packed` follows (else the token is there once, in the body). A pair shard's entry
  // gives its size, so that others are passed over; see readPairs.
  function readPostings(data, pairs, token) {
    var at = { i: 0 };
    while (at.i < data.length) {
      var len = readVarint(data, at);
      var key = utf8.decode(data.subarray(at.i, at.i + len));
      at.i += len;
      if (pairs) {
        var size = readVarint(data, at);
        at.i += size;
        if (key === token) return readPairs(data.subarray(at.i - size, at.i));
        continue;
      }
      var count = readVarint(data, at);
      var wanted = key === token;
      var out = [];
      var doc = 0;
      for (var k = 0; k < count; k++) {
        var gap = readVarint(data, at);
        doc += Math.floor(gap / 2);
        var packed = gap % 2 ? readVarint(data, at) : 4;
        if (wanted) out.push([doc, packed, 0]);
      }
      if (wanted) return out;
    }
    return [];
  }

  // A pair's entry (src/search/rice.rs): the document count, four Rice parameters (document
  // gaps, packed, first positions, position gaps), then Rice-coded per document its gap
  // minus one (the first: its number) and (count - 1) << 2 | flags, then per document its
  // positions, the first and each gap minus one.
  function readPairs(body) {
    var at = { i: 0 }, count = readVarint(body, at), k = body.subarray(at.i, at.i + 4);
    var r = { d: body, b: (at.i + 4) * 8 }, out = [], doc = 0, e;
    for (e = 0; e < count; e++) {
      doc += readRice(r, k[0]) + (e ? 1 : 0);
      var p = readRice(r, k[1]);
      out.push([doc, p + 4, 0]);
    }
    for (e = 0; e < count; e++) {
      out[e][2] = r.b;
      readRice(r, k[2], true);
      for (var n = Math.floor(out[e][1] / 4); n > 1; n--) readRice(r, k[3], true);
    }
    out.data = body;
    out.k = k;
    return out;
  }

  // The positions of entry `e` of pair postings `list`, in order.
  function positions(list, e) {
    var r = { d: list.data, b: e[2] }, n = Math.floor(e[1] / 4), out = new Array(n);
    var p = readRice(r, list.k[2]);
    out[0] = p;
    for (var j = 1; j < n; j++) {
      p += readRice(r, list.k[3]) + 1;
      out[j] = p;
    }
    return out;
  }

  // Where `x` is in the sorted array `a` (by each item's first field, with `byFirst`), or -1.
  function bisect(a, x, byFirst) {
    var lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      var y = byFirst ? a[mid][0] : a[mid];
      if (y === x) return mid;
      if (y < x) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
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
      // Pair shards are Rice-coded, not gzipped; every other file is gzipped.
      var raw = name.indexOf("p/") === 0;
      var url = this.base + name + (raw ? ".bin" : ".gz");
      this.shards.set(name, fetch(url).then(function (r) {
        if (r.status === 404) return new Uint8Array(0);
        if (!r.ok) throw new Error("search shard " + url + ": " + r.status);
        if (raw) return r.arrayBuffer();
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
    var i = bisect(list, doc, true);
    return i < 0 ? null : list[i];
  }


  // What a document holds of one query part: how often, and whether in its title and in
  // its heading.
  function hit(tf, packedAll) {
    return { tf: tf, title: (packedAll & 1) === 1, heading: (packedAll & 2) === 2 };
  }

  // Documents where list k's token occurs at p + at[k] - at[0] for some p, for every k: a
  // Map from document to its hit (the number of such p; in title or heading when every
  // list's token is: with a cover's pairs, an approximation that only weighs the ranking;
  // a title that is the query is checked on the title itself, see exactTitlesFirst).
  function consecutive(lists, at) {
    // Led by the list of the fewest documents (a large pair's list, 法律's, is then only
    // searched, never walked); documents come in order either way.
    var lead = 0;
    lists.forEach(function (l, k) { if (l.length < lists[lead].length) lead = k; });
    var out = new Map();
    lists[lead].forEach(function (first) {
      var doc = first[0];
      var found = [];
      var flags = first[1] & 3;
      for (var k = 0; k < lists.length; k++) {
        if (k === lead) continue;
        var h = findDoc(lists[k], doc);
        if (!h) return;
        flags &= h[1];
        found.push([k, h]);
      }
      var others = found.map(function (f) { return [at[f[0]] - at[lead], positions(lists[f[0]], f[1])]; });
      var tf = positions(lists[lead], first).filter(function (s) {
        return others.every(function (o) { return bisect(o[1], s + o[0], false) >= 0; });
      }).length;
      if (tf) out.set(doc, hit(tf, flags));
    });
    return out;
  }

  // The cheapest pairs that cover every unit of a phrase, given each pair's first unit, the
  // units it holds (2, or 3 for a gap pair, one more for a split token) and its cost, in
  // order of position: the indices of the chosen pairs. A text holds the phrase at p exactly
  // when each chosen pair is at p plus its position, since together they fix every unit; so
  // 人身安全保护令 need not read 保护, one of the largest files, once 全保 and 护令 are read.
  function cover(pairs) {
    // best[e]: the cheapest choice found that fixes units 0 to e - 1, as [cost, indices].
    var best = [[0, []]];
    pairs.forEach(function (p, i) {
      var end = p[0] + p[1];
      for (var e = p[0]; e < end; e++) {
        var from = best[e];
        if (!from) continue;
        var cost = from[0] + p[2];
        if (!best[end] || cost < best[end][0]) best[end] = [cost, from[1].concat([i])];
      }
    });
    var last = best[best.length - 1];
    return last ? last[1] : [];
  }

  // Pair tokens `tokens` of units `u` with, after each pair the index splits, the token of
  // that pair and the unit after it (`法律>援`, see src/search/split.rs), which fixes one
  // unit more and is read instead of the large pair when it is cheaper.
  function withSplits(tokens, u, split) {
    var out = [];
    tokens.forEach(function (t) {
      out.push(t);
      var next = u[t[1] + t[2]];
      if (next && !next.sep && split.indexOf(t[0]) >= 0) out.push([t[0] + ">" + next.text, t[1], t[2] + 1]);
    });
    return out;
  }

  // What reading `token`'s postings costs, in KB: its own file's size for a big token,
  // else a shard's mean size.
  Index.prototype.cost = function (pairs, token) {
    var list = this.meta[pairs ? "p" : "t"];
    var big = list.big.indexOf(token);
    return big >= 0 ? list.kb[big] : list.shard_kb;
  };

  // The documents whose units contain the units `u` in a row: Map document → hit, in the
  // order of document numbers.
  Index.prototype.phrase = function (u) {
    var self = this;
    if (u.length === 1) {
      return this.postings(false, u[0].text).then(function (l) {
        var out = new Map();
        l.forEach(function (x) { out.set(x[0], hit(Math.floor(x[1] / 4), x[1])); });
        return out;
      });
    }
    var tokens = withSplits(pairTokens(u), u, this.meta.p.split || []);
    var chosen = cover(tokens.map(function (t) { return [t[1], t[2], self.cost(true, t[0])]; }));
    return Promise.all(chosen.map(function (i) { return self.postings(true, tokens[i][0]); }))
      .then(function (lists) {
        return consecutive(lists, chosen.map(function (i) { return tokens[i][1]; }));
      });
  };

  function parts(query) {
    return normalise(query).split(/\s+/).map(units).filter(function (u) { return u.length; });
  }

  // The hits of each space-separated part of `query`, and the documents that have them all.
  Index.prototype.hits = function (query) {
    var self = this;
    var ps = parts(query);
    if (!ps.length) return Promise.resolve({ lists: [], docs: [] });
    return Promise.all(ps.map(function (u) { return self.phrase(u); })).then(function (lists) {
      var docs = Array.from(lists[0].keys()).filter(function (d) {
        return lists.every(function (l) { return l.has(d); });
      });
      return { lists: lists, docs: docs };
    });
  };

  // The documents containing every space-separated part of `query`, in order.
  Index.prototype.search = function (query) {
    return this.hits(query).then(function (h) { return h.docs; });
  };

  // BM25F-like weights: title and heading count as occurrences of their own, boosted.
  var K1 = 1.2, TITLE = 3, HEADING = 2;

  // The documents containing every part of `query`, best first: [{doc, score, title}]
  // (title: every part is in the document's title). Each part
  // scores idf × saturated weight (occurrences, plus TITLE when in the title and HEADING
  // when in the heading); ties keep the order of document numbers.
  Index.prototype.ranked = function (query) {
    var n = this.meta.docs;
    return this.hits(query).then(function (h) {
      var out = h.docs.map(function (d) {
        var score = 0, title = true;
        h.lists.forEach(function (l) {
          title = title && l.get(d).title;
          var x = l.get(d), df = l.size;
          var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          var w = x.tf + (x.title ? TITLE : 0) + (x.heading ? HEADING : 0);
          score += idf * w * (K1 + 1) / (w + K1);
        });
        return { doc: d, score: score, title: title };
      });
      out.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
      return out;
    });
  };

  // Document `id` from the store: [address, kind, title, heading, date, text].
  Index.prototype.doc = function (id) {
    var per = this.meta.store;
    return this.file("d/" + Math.floor(id / per)).then(function (data) {
      return JSON.parse(utf8.decode(data))[id % per];
    });
  };

  // The kind of document `id` (documents are numbered by kind) and, for a 条, its law.
  Index.prototype.rangeOf = function (list, id) {
    for (var i = 0; i < list.length; i++) {
      if (id >= list[i][1] && id < list[i][2]) return list[i][0];
    }
    return null;
  };

  // --- Article numbers: 第1043条, 第一千零四十三条, 民法典1043条, 《民法典》第十条之一 ---

  var DIGITS = { "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9 };
  var UNITS = { "十": 10, "百": 100, "千": 1000 };

  // A number in Arabic or Chinese numerals (一千零四十三, 十二, 二十), or NaN.
  function numeral(text) {
    if (/^[0-9]+$/.test(text)) return parseInt(text, 10);
    var total = 0, digit = -1;
    for (var c of text) {
      if (c in DIGITS) {
        digit = DIGITS[c];
      } else if (c in UNITS) {
        total += (digit < 0 ? 1 : digit) * UNITS[c];
        digit = -1;
      } else {
        return NaN;
      }
    }
    return total + (digit < 0 ? 0 : digit);
  }

  var CN = "零一二三四五六七八九";

  // `n` (1 to 9999) in Chinese numerals as statutes write them: 一千零四十三, 十, 十二.
  function chinese(n) {
    var out = "", zero = false;
    [[1000, "千"], [100, "百"], [10, "十"], [1, ""]].forEach(function (u) {
      var d = Math.floor(n / u[0]) % 10;
      if (d) {
        if (zero) out += "零";
        out += (d === 1 && u[0] === 10 && !out ? "" : CN[d]) + u[1];
        zero = false;
      } else if (out) {
        zero = true;
      }
    });
    return out;
  }

  var ARTICLE = /^《?([^《》\s第0-9]*?)》?\s*第?([0-9〇零一二三四五六七八九十百千两]+)条(?:之([0-9一二三四五六七八九十]+))?$/;

  // The articles a query names, from the table in meta.json (`articles`): [{law, title,
  // page, anchor, label}], 民法典 first; none when the query is not an article number, or
  // names a law the library does not have.
  function articles(query, table) {
    var m = ARTICLE.exec(normalise(query).trim());
    if (!m || !table) return [];
    var name = m[1], main = numeral(m[2]), sub = m[3] ? numeral(m[3]) : 0;
    if (!(main > 0) || (m[3] && !(sub > 0))) return [];
    var key = sub ? main + "-" + sub : null;
    var out = [];
    table.forEach(function (law) {
      if (name && law[0].indexOf(name) < 0 && law[1].indexOf(name) < 0) return;
      law[2].forEach(function (p) {
        var has = key ? p[2].indexOf(key) >= 0 : p[1].some(function (r) {
          return main >= r[0] && main <= r[1];
        });
        if (has) {
          out.push({
            law: law[0], title: law[1], page: p[0],
            anchor: "art-" + (key || main),
            label: "第" + chinese(main) + "条" + (sub ? "之" + chinese(sub) : "")
          });
        }
      });
    });
    return out;
  }

  // The file `name` (without ".gz") of the index, parsed as JSON.
  Index.prototype.json = function (name) {
    return this.file(name).then(function (data) {
      return data.length ? JSON.parse(utf8.decode(data)) : null;
    });
  };

  // --- Everyday words, "did you mean" ---

  function squash(text) {
    return normalise(text).replace(/\s+/g, "");
  }

  // The rows of the table of everyday words one of whose words is the query or one of its
  // space-separated parts: [{row, word}]. A row is [[words], [terms], [[document, label,
  // address]], [[label, address]]], in the files `w/K` of its words (K: the word's hash
  // modulo meta.json's `words.n`).
  Index.prototype.everyday = function (query) {
    var ps = normalise(query).split(/\s+/).filter(Boolean);
    var whole = ps.join("");
    var n = this.meta.words ? this.meta.words.n : 0;
    if (!n || !whole) return Promise.resolve([]);
    var self = this, files = [];
    [whole].concat(ps).forEach(function (k) {
      var f = tokenHash(k) % n;
      if (files.indexOf(f) < 0) files.push(f);
    });
    return Promise.all(files.map(function (f) { return self.json("w/" + f + ".json"); })).then(function (lists) {
      var out = [], seen = new Set();
      lists.forEach(function (rows) {
        (rows || []).forEach(function (row) {
          var word = row[0].filter(function (w) {
            var s = squash(w);
            return s === whole || ps.indexOf(s) >= 0;
          })[0];
          if (word && !seen.has(row[0][0])) {
            seen.add(row[0][0]);
            out.push({ row: row, word: word });
          }
        });
      });
      return out;
    });
  };

  // Edit distance between two arrays of characters.
  function distance(a, b) {
    var prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // Up to `max` words of `vocab` a typo away from `query` (one character wrong, missing or
  // extra; two for queries over five characters), closest first, then in `vocab`'s order.
  function suggest(query, vocab, max) {
    var q = Array.from(squash(query));
    if (q.length < 2) return [];
    var limit = q.length <= 5 ? 1 : 2;
    var found = [];
    vocab.forEach(function (w, order) {
      var v = Array.from(squash(w));
      if (Math.abs(v.length - q.length) > limit || v.join("") === q.join("")) return;
      if (q.length === 2 && v.length !== 2) return;
      var d = distance(q, v);
      if (d <= limit) found.push({ word: w, d: d, order: order });
    });
    found.sort(function (a, b) { return a.d - b.d || a.order - b.order; });
    return found.slice(0, max).map(function (x) { return x.word; });
  }

  root.pufaSearch = {
    normalise: normalise, units: units, tokens: tokens, tokenHash: tokenHash, Index: Index,
    parts: parts, cover: cover, numeral: numeral, chinese: chinese, articles: articles,
    suggest: suggest
  };
})(typeof window !== "undefined" ? window : globalThis);

// The search page (/search/): reads ?q=, shows results with counts by kind, a filter by
// law, snippets with the words marked, ten at a time. Without JavaScript the page still
// offers the statute directory and the tags.
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  var S = window.pufaSearch;
  var KIND_NAMES = { law: "法规", article: "文章", event: "活动", lesson: "课程", page: "页面" };
  var STEP = 10;

  function el(name, attrs, children) {
    var e = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  // `text` as nodes, each occurrence of a query part (compared normalised) in <mark>; with
  // `cut`, only about 110 characters around the first.
  function snippet(text, query, cut) {
    var norm = "", from = [];
    for (var i = 0; i < text.length;) {
      var c = String.fromCodePoint(text.codePointAt(i));
      var n = S.normalise(c);
      for (var k = 0; k < n.length; k++) from.push(i);
      norm += n;
      i += c.length;
    }
    from.push(text.length);
    var spans = [];
    S.normalise(query).split(/\s+/).filter(Boolean).forEach(function (p) {
      for (var at = norm.indexOf(p); at >= 0; at = norm.indexOf(p, at + p.length)) {
        spans.push([from[at], from[at + p.length]]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var start = cut && spans.length && spans[0][0] > 40 ? spans[0][0] - 30 : 0;
    var end = cut ? Math.min(text.length, start + 110) : text.length;
    var out = [];
    if (start > 0) out.push("…");
    var at = start;
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > end) return;
      out.push(text.slice(at, s[0]), el("mark", {}, [text.slice(s[0], s[1])]));
      at = s[1];
    });
    out.push(text.slice(at, end));
    if (end < text.length) out.push("…");
    return out;
  }

  // Each index opened, by its address (a page that searches in place opens it when the
  // search field is first used, before the query is sent).
  var opened = new Map();
  function open(base) {
    if (!opened.has(base)) opened.set(base, S.Index.open(base));
    return opened.get(base);
  }

  // The search box `box` (#pf-search, in the document) at work: its form, and the query
  // `query` when not empty.
  function start(box, query) {
    var form = box.querySelector("form");
    var part = function (name) { return document.getElementById("pf-search-" + name); };
    var input = part("q"), status = part("status"), kinds = part("kinds"), list = part("results");
    var more = part("more"), browse = part("browse"), jump = part("jump"), words = part("words");
    var suggestBox = part("suggest"), all = part("all");
    var site = box.getAttribute("data-site");
    var index = open(box.getAttribute("data-index"));
    var state = null;

    // The date of document `doc` as YYYYMMDD (0: none), once dates.json is read.
    function dateOf(doc) {
      var d = state.dates;
      return d && doc >= d.from && doc < d.from + d.dates.length ? d.dates[doc - d.from] : 0;
    }

    function shown() {
      var ix = state.ix;
      var rows = state.results.filter(function (r) {
        if (state.kind && ix.rangeOf(ix.meta.kinds, r.doc) !== state.kind) return false;
        if (state.law && ix.rangeOf(ix.meta.laws, r.doc) !== state.law) return false;
        return true;
      });
      if (state.byDate && state.dates) {
        var rank = new Map();
        rows.forEach(function (r, k) { rank.set(r.doc, k); });
        rows.sort(function (a, b) {
          return dateOf(b.doc) - dateOf(a.doc) || rank.get(a.doc) - rank.get(b.doc);
        });
      }
      return rows;
    }

    // 按相关度 / 按日期, when the results have articles or events.
    function sortControl(counts) {
      if (!counts.article && !counts.event) return;
      var select = el("select", { id: "pf-search-sort" }, [
        el("option", { value: "" }, ["相关度"]),
        el("option", { value: "date" }, ["日期（新的在前）"])
      ]);
      select.value = state.byDate ? "date" : "";
      select.addEventListener("change", function () {
        var mine = state;
        mine.byDate = select.value === "date";
        mine.limit = STEP;
        var ready = mine.dates || !mine.byDate ? Promise.resolve(mine.dates)
          : mine.ix.json("dates.json");
        ready.then(function (d) {
          mine.dates = d;
          if (state === mine) page();
        });
      });
      kinds.appendChild(el("label", { for: "pf-search-sort" }, ["排序："]));
      kinds.appendChild(select);
    }

    function filters() {
      var ix = state.ix;
      kinds.textContent = "";
      var counts = {}, laws = {};
      state.results.forEach(function (r) {
        var k = ix.rangeOf(ix.meta.kinds, r.doc);
        counts[k] = (counts[k] || 0) + 1;
        var l = ix.rangeOf(ix.meta.laws, r.doc);
        if (l) laws[l] = (laws[l] || 0) + 1;
      });
      var button = function (kind, label) {
        var b = el("button", { type: "button", "aria-pressed": String(state.kind === kind) }, [label]);
        b.addEventListener("click", function () {
          state.kind = kind;
          state.law = null;
          state.limit = STEP;
          filters();
          page();
        });
        return b;
      };
      kinds.appendChild(button(null, "全部 " + state.results.length));
      Object.keys(KIND_NAMES).forEach(function (k) {
        if (counts[k]) kinds.appendChild(button(k, KIND_NAMES[k] + " " + counts[k]));
      });
      var names = Object.keys(laws);
      if (names.length > 1 && (state.kind === "law" || state.kind === null)) {
        var select = el("select", { id: "pf-search-law" }, [el("option", { value: "" }, ["全部法律"])]);
        names.forEach(function (n) {
          var o = el("option", { value: n }, [n + " " + laws[n]]);
          if (state.law === n) o.selected = true;
          select.appendChild(o);
        });
        select.addEventListener("change", function () {
          state.law = select.value || null;
          state.kind = state.law ? "law" : state.kind;
          state.limit = STEP;
          page();
        });
        kinds.appendChild(el("label", { for: "pf-search-law" }, ["按法律："]));
        kinds.appendChild(select);
      }
      sortControl(counts);
      kinds.hidden = state.results.length === 0;
    }

    // The results up to the limit. The first FIRST documents are shown as soon as they
    // are read (a browser asks one host for six files at a time), the rest when all are;
    // the list says which query it shows (data-query) and when it is complete
    // (data-complete). Gives a promise of the complete list.
    var FIRST = 5;
    function page() {
      var mine = state;
      var rows = shown();
      var wanted = rows.slice(0, state.limit).map(function (r) { return mine.ix.doc(r.doc); });
      function render(docs, complete) {
        if (state !== mine) return;
        list.textContent = "";
        docs.forEach(function (d) {
          // A page in a column (栏目) names it after its kind: 文章 · 公示公告.
          var where = [KIND_NAMES[d[1]] || d[1]];
          if (d[6]) where.push(d[6]);
          if (d[3]) where.push(d[3]);
          if (d[4] && d[1] !== "law") where.push(d[4]);
          list.appendChild(el("li", {}, [
            el("h2", {}, [el("a", { href: site + d[0] }, snippet(d[2], mine.query, false))]),
            el("p", { class: "pf-search-where" }, [where.join(" · ")]),
            el("p", {}, snippet(d[5], mine.query, true))
          ]));
        });
        list.hidden = docs.length === 0;
        list.setAttribute("data-sort", mine.byDate ? "date" : "score");
        list.setAttribute("data-query", mine.query);
        list.setAttribute("data-complete", complete ? mine.query : "");
        more.hidden = !complete || rows.length <= state.limit;
      }
      var all = Promise.all(wanted);
      if (wanted.length > FIRST && state.limit === STEP) {
        Promise.all(wanted.slice(0, FIRST)).then(function (docs) {
          if (list.getAttribute("data-complete") !== mine.query) render(docs, false);
        });
      }
      return all.then(function (docs) { render(docs, true); });
    }

    // The articles a query names, above the results: the one 条, or that 条 of each law.
    function showArticles(found) {
      jump.textContent = "";
      jump.hidden = found.length === 0;
      if (!found.length) return;
      jump.appendChild(el("h2", {}, [found.length > 1 ? "法条直达（" + found.length + " 部法律有这一条）" : "法条直达"]));
      var ul = el("ul", {});
      found.forEach(function (a) {
        ul.appendChild(el("li", {}, [
          el("a", { href: site + a.page + "#" + a.anchor }, ["《" + a.law + "》" + a.label])
        ]));
      });
      jump.appendChild(ul);
    }

    // Everyday words of the query, above the results: what the law calls them and the
    // articles (with their opening words) and laws that govern them.
    // (An everyday word's own page shows its row already.)
    function showWords(found, ix) {
      words.textContent = "";
      found = box.hasAttribute("data-word") ? [] : found.slice(0, 3);
      words.hidden = found.length === 0;
      found.forEach(function (f) {
        var row = f.row, h = el("h2", {}, []);
        if (row[1].length) {
          h.appendChild(document.createTextNode("“" + f.word + "”在法律条文里叫："));
          row[1].forEach(function (t, k) {
            if (k) h.appendChild(document.createTextNode("、"));
            h.appendChild(el("a", { href: "?q=" + encodeURIComponent(t) }, [t]));
          });
        } else {
          h.appendChild(document.createTextNode("“" + f.word + "”相关的法律条文"));
        }
        words.appendChild(h);
        var ul = el("ul", {});
        row[2].forEach(function (a) {
          var li = el("li", {}, [el("a", { href: site + a[2] }, [a[1]])]);
          ul.appendChild(li);
          if (a[0] < 0) return;
          ix.doc(a[0]).then(function (d) {
            li.appendChild(el("p", {}, snippet(d[5], row[1].join(" ") || f.word, true)));
          });
        });
        row[3].forEach(function (l) {
          ul.appendChild(el("li", {}, [el("a", { href: site + l[1] }, [l[0]])]));
        });
        words.appendChild(ul);
      });
    }

    // Results whose title is the query itself come first (of the first ten results, those
    // with the query in their title: their documents are the first page's anyway).
    function exactTitlesFirst(ix, query, results) {
      var candidates = results.slice(0, STEP).filter(function (r) { return r.title; });
      if (!candidates.length) return Promise.resolve(results);
      var q = S.normalise(query).replace(/\s+/g, "");
      return Promise.all(candidates.map(function (r) { return ix.doc(r.doc); })).then(function (docs) {
        var exact = new Set();
        docs.forEach(function (d, k) {
          if (S.normalise(d[2]).replace(/\s+/g, "") === q) exact.add(candidates[k].doc);
        });
        if (!exact.size) return results;
        return results.filter(function (r) { return exact.has(r.doc); })
          .concat(results.filter(function (r) { return !exact.has(r.doc); }));
      });
    }

    // "Did you mean" for a query that found nothing: words a typo away, from titles,
    // headings, tags and the table of everyday words.
    function showSuggestions(mine) {
      mine.ix.json("vocab.json").then(function (vocab) {
        if (state !== mine) return;
        var found = S.suggest(mine.query, vocab || [], 3);
        suggestBox.hidden = found.length === 0;
        if (!found.length) return;
        var p = el("p", {}, ["你是不是要找："]);
        found.forEach(function (w, k) {
          if (k) p.appendChild(document.createTextNode("、"));
          p.appendChild(el("a", { href: "?q=" + encodeURIComponent(w) }, [w]));
        });
        suggestBox.appendChild(p);
      });
    }

    function run(query) {
      var mine = { query: query, kind: null, law: null, limit: STEP, results: [] };
      state = mine;
      status.textContent = "正在搜索…";
      suggestBox.textContent = "";
      suggestBox.hidden = true;
      var everyday = null;
      index.then(function (ix) {
        mine.ix = ix;
        if (state === mine) showArticles(S.articles(query, ix.meta.articles));
        // The shards are asked for before the everyday words' files, and the results wait
        // only for the shards: a browser reads six files from a host at a time, and a query
        // of several words may need more than six.
        var results = ix.ranked(query);
        everyday = ix.everyday(query);
        everyday.catch(function () {}); // (its failure shows below, once the results are in)
        return results;
      }).then(function (results) {
        if (state !== mine) return;
        mine.results = results;
        status.textContent = results.length
          ? "找到 " + results.length + " 条结果"
          : "没有找到包含“" + query.trim() + "”的内容。" + (browse ? "可以换一个说法，或在下面的目录里查找。" : "可以换一个说法再搜。");
        if (all) all.hidden = results.length === 0;
        filters();
        // Shown by score first; a page titled as the query then moves to the top. The list
        // says when that is settled (data-ranked).
        var ranked = function () { if (state === mine) list.setAttribute("data-ranked", query); };
        // (The first page's documents are asked for first, the title check's and the
        // everyday words' articles after them.)
        var shown = Promise.all([page(), exactTitlesFirst(mine.ix, query, results)]).then(function (x) {
          if (state !== mine) return;
          if (x[1] === results) return ranked();
          mine.results = x[1];
          return page().then(ranked);
        });
        var told = everyday.then(function (found) {
          if (state !== mine) return;
          showWords(found, mine.ix);
          // The block is settled for this query (shown or not).
          words.setAttribute("data-for", query);
          if (browse) browse.hidden = results.length > 0 || !jump.hidden || !words.hidden;
          if (!results.length && jump.hidden && words.hidden) showSuggestions(mine);
        });
        return Promise.all([shown, told]);
      }).catch(function (e) {
        status.textContent = browse ? "搜索暂时无法使用，请在下面的目录里查找。" : "搜索暂时无法使用，请稍后再试。";
        if (window.console) console.error(e);
      });
    }

    more.querySelector("button").addEventListener("click", function () {
      state.limit += STEP;
      page();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = input.value;
      history.replaceState(history.state, "", "?q=" + encodeURIComponent(q));
      if (q.trim()) run(q);
    });
    input.value = query;
    if (query.trim()) run(query);
  }

  // The search page's query: ?q=, else the word of an everyday word's page, else what
  // follows the search page's address in the path (a server may answer /search/WORD/ with
  // the search page, see the README).
  function pageQuery(box) {
    var q = new URLSearchParams(location.search).get("q") || box.getAttribute("data-word");
    if (q) return q;
    var own = new URL(box.querySelector("form").getAttribute("action"), location.href).pathname;
    var path = location.pathname;
    if (path.indexOf(own) !== 0 || path.length <= own.length) return "";
    try {
      return decodeURIComponent(path.slice(own.length).replace(/\/$/, "").replace(/\+/g, " "));
    } catch (e) {
      return "";
    }
  }

  // The search box of the search page (search.html with search_form.html and
  // search_results.html), for a page that shows results in place.
  function searchBox(header) {
    var hidden = function (name, id, cls) {
      return el(name, { class: cls || id, id: id, hidden: "" });
    };
    return el("div", { class: "pf-search", id: "pf-search",
      "data-index": header.getAttribute("data-index"), "data-site": header.getAttribute("data-site") }, [
      el("form", { class: "pf-search-form", role: "search", "aria-label": "站内搜索",
        action: header.getAttribute("action"), method: "get" }, [
        el("label", { for: "pf-search-q" }, ["搜索法律条文、文章、活动和课程"]),
        el("div", { class: "pf-search-row" }, [
          el("input", { id: "pf-search-q", name: "q", type: "search", autocomplete: "off",
            enterkeyhint: "search", placeholder: "例如：彩礼、赡养、第1043条" }),
          el("button", { type: "submit" }, ["搜索"])
        ])
      ]),
      el("p", { class: "pf-search-status", id: "pf-search-status", role: "status", "aria-live": "polite" }),
      hidden("section", "pf-search-words"),
      hidden("section", "pf-search-jump"),
      hidden("section", "pf-search-suggest"),
      hidden("div", "pf-search-kinds"),
      hidden("ol", "pf-search-results"),
      el("p", { class: "pf-search-more", id: "pf-search-more", hidden: "" }, [
        el("button", { type: "button" }, ["显示更多结果"])
      ])
    ]);
  }

  // Any other page searches in place once this file is loaded (js/site.js loads it when
  // the header's search field is first used): the header form's query replaces the page's
  // content with the search page's box and its results, at the search page's address, so
  // the results need no page load; going back shows the page again.
  function inPlace(header) {
    var main = document.getElementById("pf-main");
    if (!main || !window.history || !history.pushState) return;
    // (A failure to open it shows when a query is sent.)
    open(header.getAttribute("data-index")).catch(function () {});
    var withoutHash = function (url) { return url.split("#")[0]; };
    // The page's own content while the results are shown, and its address.
    var page = { nodes: [], title: "", url: withoutHash(location.href) }, showing = false;
    // The search box with the results of `q` in place of the page's content.
    function show(q) {
      if (!showing) {
        page.nodes = Array.from(main.childNodes);
        page.title = document.title;
      }
      showing = true;
      var box = searchBox(header);
      main.textContent = "";
      main.appendChild(el("h1", {}, ["站内搜索"]));
      main.appendChild(box);
      document.title = header.getAttribute("data-title");
      main.focus();
      start(box, q);
    }
    header.addEventListener("submit", function (e) {
      var q = header.querySelector("input[name=q]").value;
      if (!q.trim()) return;
      e.preventDefault();
      history.pushState({ pufaSearch: true }, "", header.getAttribute("action") + "?q=" + encodeURIComponent(q));
      show(q);
    });
    // Back and Forward: to a query made here, its results again; to the page, the page as it
    // was; anything else (a link to a place in the page) is left to the browser.
    window.addEventListener("popstate", function (e) {
      if (e.state && e.state.pufaSearch) {
        show(new URLSearchParams(location.search).get("q") || "");
      } else if (showing && withoutHash(location.href) === page.url) {
        showing = false;
        main.textContent = "";
        page.nodes.forEach(function (n) { main.appendChild(n); });
        document.title = page.title;
      } else if (showing) {
        location.reload();
      }
    });
    header.setAttribute("data-ready", "");
  }

  function ready() {
    var box = document.getElementById("pf-search");
    if (box) return start(box, pageQuery(box));
    var header = document.querySelector("form[data-search-js]");
    if (header) inPlace(header);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
