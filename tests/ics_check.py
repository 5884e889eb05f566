#!/usr/bin/env python3
"""Parse every .ics file under a built site with the independent Python `icalendar` parser.

Usage: ics_check.py OUTPUT_DIR
Prints one JSON object: {"files": {relative path: [event, ...]}, "problems": [...]}, where an
event has uid, summary, location, description, url, dtstart and dtend (ISO 8601 in UTC, or a
plain date for all-day events), tzid (the TZID parameter of DTSTART, if any), status and
sequence.
Also checks what a parser forgives: CRLF line ends and lines of at most 75 octets.
"""
import datetime
import json
import os
import sys

import icalendar


def iso(prop):
    if prop is None:
        return None
    v = prop.dt
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            return "floating:" + v.isoformat()
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return v.isoformat()


def main():
    root = sys.argv[1]
    files, problems = {}, []
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if not name.endswith(".ics"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            raw = open(path, "rb").read()
            if b"\n" in raw.replace(b"\r\n", b""):
                problems.append(f"{rel}: a line ends without CR")
            for n, line in enumerate(raw.split(b"\r\n"), 1):
                if len(line) > 75:
                    problems.append(f"{rel}:{n}: line of {len(line)} octets")
            cal = icalendar.Calendar.from_ical(raw)
            tzids = {str(tz.get("TZID")) for tz in cal.walk("VTIMEZONE")}
            events = []
            for ev in cal.walk("VEVENT"):
                for key in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "LOCATION"):
                    if ev.get(key) is None:
                        problems.append(f"{rel}: an event without {key}")
                start = ev.get("DTSTART")
                tzid = start.params.get("TZID") if start is not None else None
                if tzid and tzid not in tzids:
                    problems.append(f"{rel}: TZID {tzid} has no VTIMEZONE")
                events.append({
                    "uid": str(ev.get("UID")),
                    "summary": str(ev.get("SUMMARY")),
                    "location": str(ev.get("LOCATION")),
                    "description": str(ev.get("DESCRIPTION", "")),
                    "url": str(ev.get("URL", "")),
                    "dtstamp": iso(ev.get("DTSTAMP")),
                    "dtstart": iso(start),
                    "dtend": iso(ev.get("DTEND")),
                    "tzid": tzid,
                    "status": str(ev.get("STATUS", "")),
                    "sequence": int(ev.get("SEQUENCE", 0)),
                })
            files[rel] = events
    print(json.dumps({"files": files, "problems": problems}, ensure_ascii=False))


if __name__ == "__main__":
    main()
