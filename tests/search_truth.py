#!/usr/bin/env python3
"""The search tests' independent truth for a built site: which documents contain each
query. Written apart from pufa (Python's html.parser and unicodedata; the matching rule is
search_scan.py's).

    search_truth.py OUT INPUT_JSON

OUT is a built site; INPUT_JSON holds {"docs": [address, ...], "queries": [query, ...]}:
the addresses of the index's documents (`articles/a00001/`, `articles/a00001/#part-2`,
`laws/民法典/婚姻家庭编/#art-1043`), which say how pufa grouped each page's parts. Prints
JSON {query: [address, ...]}, the documents whose text contains the query.

A page is read here on its own: its title (the <h1>) and the text of its <main> without
<nav>, <script>, <style>, <template> and elements marked data-noindex, cut into parts where
an <h2> or <h3> with an id starts (the heading is the part's heading) and where an element
with data-doc and an id starts (a 条: its heading is the last such <h2>/<h3>, its chapter).
A document is its page's title, then the headings and text of its parts: from the part its
address names (the page's opening part when it names none) to the next document's part.
"""
import json
import os
import sys
from collections import defaultdict
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from search_scan import contains, normalise  # noqa: E402

SKIP = {"nav", "script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
BLOCK = {"p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
         "h6", "table", "tr", "td", "th", "blockquote", "pre", "dl", "dt", "dd", "figure",
         "figcaption", "header", "footer", "aside", "details", "summary", "br", "hr"}


class Page(HTMLParser):
    """A page's title and its parts: [anchor or None, heading, text]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []           # open elements: (tag, skipped)
        self.in_main = False
        self.title = []
        self.into = "text"        # where text goes: "title", "heading" or "text"
        self.parts = [[None, [], []]]
        self.last_heading = ""

    def skipping(self):
        return any(s for _, s in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag in VOID:
            self.gap()
            return
        skipped = tag in SKIP or "data-noindex" in a
        self.stack.append((tag, skipped))
        if not self.in_main or self.skipping():
            return
        if "data-doc" in a and a.get("id"):
            self.parts.append([a["id"], [self.last_heading], []])
        elif tag in ("h2", "h3") and a.get("id"):
            self.parts.append([a["id"], [], []])
            self.into = "heading"
        elif tag == "h1":
            self.into = "title"
        if tag in BLOCK:
            self.gap()

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag in VOID:
            return
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break
        if tag in ("h1", "h2", "h3") and self.into != "text":
            if self.into == "heading":
                self.last_heading = "".join(self.parts[-1][1])
            self.into = "text"
        if tag in BLOCK:
            self.gap()

    def gap(self):
        self.parts[-1][2].append("\n")

    def handle_data(self, data):
        if not self.in_main or self.skipping():
            return
        if self.into == "title":
            self.title.append(data)
        elif self.into == "heading":
            self.parts[-1][1].append(data)
        else:
            self.parts[-1][2].append(data)


def page_documents(out, page, addresses):
    """(address, normalised text) of the documents `addresses` of `page` (a folder)."""
    p = Page()
    with open(os.path.join(out, page, "index.html"), encoding="utf-8") as f:
        p.feed(f.read())
    title = "".join(p.title)
    index = {anchor: i for i, (anchor, _, _) in enumerate(p.parts)}
    starts = []
    for a in addresses:
        anchor = a.split("#", 1)[1] if "#" in a else None
        if anchor not in index:
            sys.exit(f"{a}: no part {anchor!r} in {page}index.html")
        starts.append(index[anchor])
    docs = []
    for k, (a, start) in enumerate(zip(addresses, starts)):
        end = starts[k + 1] if k + 1 < len(starts) else len(p.parts)
        text = [title]
        for _, heading, body in p.parts[start:end]:
            text.append("".join(heading))
            text.append("".join(body))
        docs.append((a, normalise("\n".join(text))))
    return docs


def main():
    out = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as f:
        data = json.load(f)
    by_page = defaultdict(list)
    for a in data["docs"]:
        by_page[a.split("#", 1)[0]].append(a)
    docs = []
    for page, addresses in by_page.items():
        docs.extend(page_documents(out, page, addresses))
    result = {}
    for q in data["queries"]:
        parts = [normalise(w) for w in q.split()]
        parts = [w for w in parts if w]
        result[q] = sorted(a for a, t in docs if parts and all(contains(t, w) for w in parts))
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
