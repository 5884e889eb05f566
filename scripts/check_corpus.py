#!/usr/bin/env python3
"""Check a corpus written by gen_corpus.py against the statute files.

    check_corpus.py DIR [--laws DIR]

Verifies, with its own reading of the statute files (not gen_corpus.py's code):
  * every page has front matter between `---` lines that parses as simple YAML with only
    the keys its kind allows (and, when PyYAML is installed, that PyYAML agrees);
  * tags, dates, event times (ISO 8601 +08:00, end after start), lesson series and orders
    (1..n, unique per series folder, one Chinese name per folder);
  * every `laws:` entry and every 《…》第…条 citation of a law in the source names an
    article that exists; text quoted after a citation in a block quote is that article's;
  * every site-absolute link points to a generated page; body sizes; corpus.json totals.
Prints a summary and exits 1 if anything is wrong. Python 3.9+, standard library only.
"""

import argparse
import datetime
import json
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

ALLOWED = {
    "articles": ["title", "date", "tags", "summary"],
    "events": ["title", "date", "tags", "summary", "start", "end", "location"],
    "lessons": ["title", "date", "tags", "summary", "series", "order", "laws"],
}
# Deliberately loose (any characters between 第 and 条), so malformed numbers are caught too.
CITATION = re.compile(r"《([^》《\n]{1,30})》(第[^条《》\s]{1,12}条(?:之[一二三四五六七八九十]+)?)")
LINK = re.compile(r"\]\((/[^)\s]*)\)")
QUOTE = re.compile(r"^> 《([^》]+)》(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)\u3000(.*)$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")
UNESCAPE = re.compile(r"\\([\\`*_\[\]<])")


def read_statutes(laws_dir):
    """{short name: {article number: full text}} read with a whole-file regex."""
    laws = defaultdict(dict)
    art = re.compile(r"^(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)\s+(.*?)(?=^第[零〇一二三四五六七八九十百千]+条|^#|\Z)",
                     re.M | re.S)
    for root, _, names in os.walk(laws_dir):
        for n in names:
            if not n.endswith(".md") or n == "_index.md":
                continue
            with open(os.path.join(root, n), encoding="utf-8") as fh:
                text = fh.read().lstrip("\ufeff").replace("\r\n", "\n")
            m = re.search(r"^# (.+)$", text, re.M)
            if not m:
                continue
            name = m.group(1).strip()
            if name.startswith("中华人民共和国"):
                name = name[len("中华人民共和国"):]
            body = text.split("<!-- INFO END -->", 1)[-1]
            body = re.sub(r"^<!--.*?-->\s*$", "", body, flags=re.M)
            for a in art.finditer(body):
                laws[name][a.group(1)] = re.sub(r"\s+", "", a.group(2))
    return laws


def parse_scalar(v, where):
    if v.startswith('"'):
        if not v.endswith('"') or len(v) < 2:
            raise ValueError("%s: unterminated string %r" % (where, v))
        inner = v[1:-1]
        out, i = [], 0
        while i < len(inner):
            c = inner[i]
            if c == "\\":
                if i + 1 >= len(inner) or inner[i + 1] not in '\\"':
                    raise ValueError("%s: unexpected escape in %r" % (where, v))
                out.append(inner[i + 1])
                i += 2
                continue
            if c == '"':
                raise ValueError("%s: bare quote in %r" % (where, v))
            out.append(c)
            i += 1
        return "".join(out)
    if re.fullmatch(r"\d+", v):
        return int(v)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return datetime.date.fromisoformat(v)
    if DATETIME.match(v):
        return datetime.datetime.fromisoformat(v)
    raise ValueError("%s: unquoted value %r" % (where, v))


def parse_list(v, where):
    if not (v.startswith("[") and v.endswith("]")):
        raise ValueError("%s: not a flow list %r" % (where, v))
    items = re.findall(r'"(?:[^"\\]|\\.)*"', v[1:-1])
    if ", ".join(items) != v[1:-1]:
        raise ValueError("%s: odd list %r" % (where, v))
    return [parse_scalar(i, where) for i in items]


def split_page(text, where):
    if not text.startswith("---\n"):
        raise ValueError("%s: no front matter" % where)
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("%s: front matter not closed" % where)
    meta = {}
    for line in text[4:end].split("\n"):
        m = re.fullmatch(r"([a-z_]+): (.+)", line)
        if not m:
            raise ValueError("%s: bad front matter line %r" % (where, line))
        key, v = m.groups()
        if key in meta:
            raise ValueError("%s: duplicate key %s" % (where, key))
        meta[key] = parse_list(v, where) if v.startswith("[") else parse_scalar(v, where)
    return meta, text[4:end], text[end + 5:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--laws", default=os.path.join(HERE, "..", "content", "laws"))
    a = ap.parse_args()
    try:
        import yaml  # optional cross-check
    except ImportError:
        yaml = None

    statutes = read_statutes(a.laws)
    errors = []

    def err(msg):
        if len(errors) < 50:
            print("ERROR:", msg)
        errors.append(msg)

    content = os.path.join(a.dir, "content")
    files = []
    for root, _, names in os.walk(content):
        for n in names:
            files.append(os.path.relpath(os.path.join(root, n), content).replace(os.sep, "/"))
    files.sort()
    if os.path.exists(os.path.join(a.dir, "site.yaml")):
        err("site.yaml was written")
    urls = set()
    for f in files:
        if not re.fullmatch(r"(articles/a\d{5}|events/e\d{5}|lessons/[a-z0-9_-]+/l\d{5})\.md", f):
            err("unexpected file %s" % f)
        urls.add("/" + f[:-3] + "/")

    kinds = Counter()
    orders = defaultdict(list)
    series_names = defaultdict(set)
    tags_seen = Counter()
    body_sizes = []
    cites = Counter()
    links = 0
    quotes = 0
    total_bytes = 0
    for f in files:
        with open(os.path.join(content, f), "rb") as fh:
            data = fh.read()
        total_bytes += len(data)
        text = data.decode("utf-8")
        kind = f.split("/")[0]
        kinds[kind] += 1
        try:
            meta, raw_meta, body = split_page(text, f)
        except ValueError as e:
            err(str(e))
            continue
        if list(meta) != ALLOWED[kind]:
            err("%s: keys %s, expected %s" % (f, list(meta), ALLOWED[kind]))
            continue
        if yaml is not None:
            y = yaml.safe_load(raw_meta)
            for k, v in meta.items():
                yv = y.get(k)
                if isinstance(yv, datetime.datetime):
                    yv = yv.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
                if yv != v:
                    err("%s: PyYAML reads %s as %r, expected %r" % (f, k, yv, v))
        for k in ("title", "summary"):
            if not isinstance(meta[k], str) or not meta[k]:
                err("%s: %s not a non-empty string" % (f, k))
        if not isinstance(meta["date"], datetime.date) or isinstance(meta["date"], datetime.datetime):
            err("%s: date is not YYYY-MM-DD" % f)
        tags = meta["tags"]
        if not (2 <= len(tags) <= 4 and len(set(tags)) == len(tags)):
            err("%s: tags %r" % (f, tags))
        tags_seen.update(tags)
        if kind == "events":
            s, e = meta["start"], meta["end"]
            if not (isinstance(s, datetime.datetime) and isinstance(e, datetime.datetime) and e > s):
                err("%s: start/end %r %r" % (f, s, e))
            if not isinstance(meta["location"], str):
                err("%s: location" % f)
        if kind == "lessons":
            folder = f.split("/")[1]
            orders[folder].append(meta["order"])
            series_names[folder].add(meta["series"])
            if not 1 <= len(meta["laws"]) <= 3:
                err("%s: %d laws" % (f, len(meta["laws"])))
            for c in meta["laws"]:
                m = CITATION.fullmatch(c)
                if not m or m.group(1) not in statutes or m.group(2) not in statutes[m.group(1)]:
                    err("%s: laws entry %s does not exist in the statutes" % (f, c))
        size = len(body.encode("utf-8"))
        body_sizes.append(size)
        if "\n## " not in "\n" + body:
            err("%s: no ## heading" % f)
        targets = LINK.findall(body)
        if not 1 <= len(targets) <= 3:
            err("%s: %d links" % (f, len(targets)))
        for t in targets:
            links += 1
            if t not in urls:
                err("%s: link to missing page %s" % (f, t))
            if t == "/" + f[:-3] + "/":
                err("%s: links to itself" % f)
        for law, num in CITATION.findall(body):
            if law in statutes:
                cites["known"] += 1
                if num not in statutes[law]:
                    err("%s: 《%s》%s does not exist" % (f, law, num))
            else:
                cites["unknown"] += 1
                cites["unknown:" + law] += 1
        for line in body.split("\n"):
            m = QUOTE.match(line)
            if m and m.group(1) in statutes:
                quotes += 1
                quoted = re.sub(r"\s+", "", UNESCAPE.sub(r"\1", m.group(3)))
                quoted = quoted[:-2] if quoted.endswith("……") else quoted[:-1]
                if quoted not in statutes[m.group(1)].get(m.group(2), ""):
                    err("%s: quoted text is not from 《%s》%s: %s" % (f, m.group(1), m.group(2), quoted[:40]))

    for folder, os_ in sorted(orders.items()):
        if sorted(os_) != list(range(1, len(os_) + 1)):
            err("lessons/%s: orders are not 1..%d unique" % (folder, len(os_)))
        if len(series_names[folder]) != 1:
            err("lessons/%s: series names %s" % (folder, series_names[folder]))
    if len(orders) > 12:
        err("%d series folders" % len(orders))
    if len(tags_seen) > 30:
        err("%d distinct tags" % len(tags_seen))

    with open(os.path.join(a.dir, "corpus.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    if manifest["total_bytes"] != total_bytes or manifest["pages"] != len(files):
        err("corpus.json says %d pages / %d bytes, found %d / %d"
            % (manifest["pages"], manifest["total_bytes"], len(files), total_bytes))
    for k in ("articles", "events", "lessons"):
        if manifest["counts"][k] != kinds[k]:
            err("corpus.json %s %d, found %d" % (k, manifest["counts"][k], kinds[k]))

    body_sizes.sort()
    n = len(files)
    total_cites = cites["known"] + cites["unknown"]
    print("pages %d: %s; series %d" % (n, dict(kinds), len(orders)))
    print("body bytes min %d, 5%% %d, median %d, 95%% %d, max %d; total %.1f MiB"
          % (body_sizes[0], body_sizes[n // 20], body_sizes[n // 2], body_sizes[n * 19 // 20],
             body_sizes[-1], total_bytes / 2 ** 20))
    print("links %d; citations %d, of unknown laws %d (%.1f %%): %s"
          % (links, total_cites, cites["unknown"], 100.0 * cites["unknown"] / max(1, total_cites),
             ", ".join("%s %d" % (k[8:], v) for k, v in sorted(cites.items()) if k.startswith("unknown:"))))
    print("block quotes checked against the statute text: %d; tags used %d; PyYAML cross-check: %s"
          % (quotes, len(tags_seen), "yes" if yaml else "not installed"))
    print("%d problems" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
