#!/usr/bin/env python3
"""Edit-to-page latency of `pufa serve`.

    scripts/edit_latency.py --site DIR --edit content/articles/a00001.md \\
        --path /articles/a00001/ [--kind body|title|tag] [--also /] [--runs 20]
        [--tags A,B] [--pufa target/release/pufa]

Starts `pufa --root DIR serve` on a free loopback port, waits for the first build, then RUNS
times makes one edit with a unique marker and polls pages over loopback until every one of
them serves it, recording the time from the write to the first poll that sees it everywhere:

- `body`  appends a paragraph to the file; the page at --path must show it;
- `title` puts the marker in the `title:`; the page and every --also page (say the home page,
          `--also /`, when the page is among its latest articles) must show it;
- `tag`   replaces the page's first tag by one of the two existing tags given by --tags, in
          turn (neither on the page already); the page must link the new tag and the new
          tag's page must list the page (a tag page and the tags index change, no page is
          added or removed).

Between edits it waits until the server is idle. The file is restored at the end. Prints
every run, then min / median / max in milliseconds. Standard library only.
"""

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = None

    def get(self, path):
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, b""


def quote_path(path):
    """A site path as pufa writes it in links (percent-encoded UTF-8)."""
    import urllib.parse
    return urllib.parse.quote(path, safe="/")


def edited(original, kind, marker, run, tags, page):
    """The file's text after edit `run` of `kind`, and {page: text it must show}."""
    text = original.decode("utf-8")
    if kind == "body":
        return text + "\n\n%s 第 %d 次修改。\n" % (marker, run), {page: marker}
    if kind == "title":
        new, n = re.subn(r'(?m)^title:\s*"?', 'title: "%s ' % marker, text, count=1)
        if n == 0:
            sys.exit("the file has no title: line")
        if not re.search(r'(?m)^title: "%s [^\n]*"$' % marker, new):
            new = re.sub(r'(?m)^(title: "%s [^\n]*?)"?$' % marker, r'\1"', new, count=1)
        return new, {page: marker}
    # tag: the first tag of a flow list `tags: ["a", "b"]` becomes one of `tags`, in turn.
    tag = tags[run % 2]
    new, n = re.subn(r'(?m)^tags:\s*\[\s*"?[^",\]]*"?', 'tags: ["%s"' % tag, text, count=1)
    if n == 0:
        sys.exit("the file has no tags: [..] line")
    tag_page = "/tags/%s/" % tag.lower()
    return new, {page: quote_path(tag_page), quote_path(tag_page): quote_path(page)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", required=True, help="site folder (has site.yaml)")
    ap.add_argument("--edit", required=True, help="Markdown file to edit, relative to the site")
    ap.add_argument("--path", required=True, help="URL path of the page that shows the file")
    ap.add_argument("--kind", choices=["body", "title", "tag"], default="body")
    ap.add_argument("--also", action="append", default=[], help="another page that must show the edit")
    ap.add_argument("--tags", help="for --kind tag: two existing tags, not on the page, to switch between")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--pufa", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "pufa"))
    ap.add_argument("--poll-ms", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--start-timeout", type=float, default=600.0, help="seconds to wait for the first build")
    a = ap.parse_args()
    tags = a.tags.split(",") if a.tags else []
    if a.kind == "tag" and len(tags) != 2:
        sys.exit("--kind tag needs --tags A,B: two existing tags that the page does not have")

    edit = os.path.join(a.site, a.edit)
    with open(edit, "rb") as f:
        original = f.read()
    port = free_port()
    cmd = [a.pufa, "--root", a.site, "serve", "--port", str(port), "--now", "2026-12-01T00:00:00+08:00"]
    log = open(os.path.join(a.site, ".pufa-serve.log"), "wb")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    client = Client(port)
    latencies = []
    try:
        deadline = time.time() + a.start_timeout
        while time.time() < deadline:
            status, _ = client.get(a.path)
            if status == 200:
                break
            if proc.poll() is not None:
                sys.exit("pufa serve exited; see %s" % log.name)
            time.sleep(0.1)
        else:
            sys.exit("the page %s never appeared within %.0f s" % (a.path, a.start_timeout))
        time.sleep(1.0)
        for run in range(1, a.runs + 1):
            marker = "LATENCY%s" % uuid.uuid4().hex[:12]
            text, needles = edited(original, a.kind, marker, run, tags, a.path)
            for p in a.also:
                needles[p] = marker
            pages = list(needles)
            needles = {p: t.encode() for p, t in needles.items()}
            t0 = time.perf_counter()
            with open(edit, "wb") as f:
                f.write(text.encode("utf-8"))
            waiting = list(pages)
            while waiting:
                status, body = client.get(waiting[0])
                if status == 200 and needles[waiting[0]] in body:
                    waiting.pop(0)
                    continue
                if time.perf_counter() - t0 > a.timeout:
                    sys.exit("run %d: %s never showed the edit" % (run, waiting[0]))
                time.sleep(a.poll_ms / 1000.0)
            ms = (time.perf_counter() - t0) * 1000.0
            latencies.append(ms)
            print("run %2d: %7.1f ms" % (run, ms))
            time.sleep(0.3)
    finally:
        with open(edit, "wb") as f:
            f.write(original)
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    print("edit (%s) → page served, %d edits: min %.1f ms, median %.1f ms, max %.1f ms"
          % (a.kind, len(latencies), min(latencies), statistics.median(latencies), max(latencies)))


if __name__ == "__main__":
    main()
