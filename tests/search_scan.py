#!/usr/bin/env python3
"""The search tests' brute-force truth, written apart from pufa's tokeniser (Python's
unicodedata): which documents contain each query.

Reads JSON {"docs": [text, ...], "queries": [query, ...]} from the file named on the command
line and prints JSON [[doc numbers], ...], one list per query.

A text and a query are normalised alike: NFKC, lower case, and every run of characters that
are neither Han (the code point table below) nor letters or digits becomes one space (none at
either end). A query is split at spaces *before* that (its spaces separate words that must all
occur); each word must occur in the text as a substring, and where it begins (ends) with a
letter or digit that is not Han, the text's character before (after) it must not be one.
"""
import json
import sys
import unicodedata

HAN = [(0x3005, 0x3005), (0x3007, 0x3007), (0x3021, 0x3029), (0x3038, 0x303B),
       (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF)]


def han(c):
    o = ord(c)
    return any(a <= o <= b for a, b in HAN)


def word(c):
    return c.isalnum() and not han(c)


def normalise(s):
    s = unicodedata.normalize("NFKC", s).lower()
    out = []
    for c in s:
        if han(c) or word(c):
            out.append(c)
        elif out and out[-1] != " ":
            out.append(" ")
    return "".join(out).strip()


def contains(text, part):
    start = 0
    while True:
        i = text.find(part, start)
        if i < 0:
            return False
        before = text[i - 1] if i > 0 else ""
        after = text[i + len(part)] if i + len(part) < len(text) else ""
        ok_start = not (word(part[0]) and before and word(before))
        ok_end = not (word(part[-1]) and after and word(after))
        if ok_start and ok_end:
            return True
        start = i + 1


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    texts = [normalise(t) for t in data["docs"]]
    results = []
    for q in data["queries"]:
        parts = [normalise(p) for p in unicodedata.normalize("NFKC", q).split()]
        parts = [p for p in parts if p]
        if not parts:
            results.append([])
            continue
        results.append([i for i, t in enumerate(texts) if all(contains(t, p) for p in parts)])
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
