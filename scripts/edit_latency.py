#!/usr/bin/env python3
"""Edit-to-page latency of `pufa serve`.

    scripts/edit_latency.py --site DIR --edit content/articles/a00001.md \\
        --path /articles/a00001/ [--runs 20] [--pufa target/release/pufa]

Starts `pufa --root DIR serve` on a free loopback port, waits for the first build, then RUNS
times: appends a paragraph with a unique marker to the edited file, polls the page over
loopback until the marker is served, and records the time from the write to the first poll
that sees it. Between edits it waits until the server is idle. The file is restored at the
end. Prints every run, then min / median / max in milliseconds.

Standard library only.
"""

import argparse
import http.client
import os
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", required=True, help="site folder (has site.yaml)")
    ap.add_argument("--edit", required=True, help="Markdown file to edit, relative to the site")
    ap.add_argument("--path", required=True, help="URL path of the page that shows the file")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--pufa", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "pufa"))
    ap.add_argument("--poll-ms", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()

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
        deadline = time.time() + 300
        while time.time() < deadline:
            status, _ = client.get(a.path)
            if status == 200:
                break
            if proc.poll() is not None:
                sys.exit("pufa serve exited; see %s" % log.name)
            time.sleep(0.1)
        else:
            sys.exit("the page never appeared")
        time.sleep(1.0)
        for run in range(1, a.runs + 1):
            marker = "LATENCY%s" % uuid.uuid4().hex[:12]
            text = original + ("\n\n%s 第 %d 次修改。\n" % (marker, run)).encode("utf-8")
            needle = marker.encode()
            t0 = time.perf_counter()
            with open(edit, "wb") as f:
                f.write(text)
            while True:
                status, body = client.get(a.path)
                if status == 200 and needle in body:
                    break
                if time.perf_counter() - t0 > a.timeout:
                    sys.exit("run %d: the edit never showed up" % run)
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
            proc.wait(timeout=10)
        except Exception:
            proc.kill()
    print("edit → page served, %d edits: min %.1f ms, median %.1f ms, max %.1f ms"
          % (len(latencies), min(latencies), statistics.median(latencies), max(latencies)))


if __name__ == "__main__":
    main()
