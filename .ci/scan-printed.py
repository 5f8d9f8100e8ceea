#!/usr/bin/env python3
"""Scans what the audit printed for what the emulator knew: `scan-printed.py KNOWN PRINTED`.

KNOWN holds `kind<TAB>value` lines. Each value is looked for as written and in the forms
a program may print it in: percent-encoded, JSON-escaped, and (a phone number) with its
digits grouped by spaces or dashes. A value found in PRINTED is reported by its kind and
line, never shown. Exits 1 if any is found."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

known_path, printed_path = sys.argv[1], sys.argv[2]

# Shorter values would match by chance; the emulator's are all longer.
MIN_LEN = 8


def forms(kind, value):
    """The ways `value` may appear in printed text."""
    yield value
    yield urllib.parse.quote(value, safe="")
    yield urllib.parse.quote_plus(value, safe="")
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    if kind == "phone":
        digits = "".join(c for c in value if c.isdigit())
        if len(digits) == 11:
            for sep in (" ", "-"):
                yield sep.join((digits[:3], digits[3:7], digits[7:]))


patterns = {}
counts = {}
short = 0
for line in open(known_path, encoding="utf-8", errors="replace"):
    kind, _, value = line.rstrip("\n").partition("\t")
    if len(value) < MIN_LEN:
        short += 1
        continue
    if value in patterns:
        continue
    counts[kind] = counts.get(kind, 0) + 1
    for form in forms(kind, value):
        if len(form) >= MIN_LEN:
            patterns.setdefault(form, kind)

size = sum(1 for _ in open(printed_path, "rb"))
print("scanned %d lines for %s (%d forms)" % (
    size, ", ".join("%d %ss" % (n, k) for k, n in sorted(counts.items())), len(patterns)))
if short:
    print("note: %d values under %d characters were not looked for" % (short, MIN_LEN))
if not patterns:
    sys.exit("error: the emulator recorded nothing; is the audit variable reaching it?")
with tempfile.NamedTemporaryFile("w", delete=False) as listed:
    listed.write("\n".join(patterns) + "\n")
try:
    # `-a`: text even if a NUL byte is printed somewhere (grep would otherwise say only
    # "binary file matches", on stderr).
    grep = subprocess.run(["grep", "-a", "-F", "-n", "-f", listed.name, printed_path],
                          capture_output=True, text=True, errors="replace")
finally:
    os.unlink(listed.name)
if grep.returncode not in (0, 1):
    sys.exit("error: grep failed (%d): %s" % (grep.returncode, grep.stderr.strip()[:200]))
found = 0
for hit in grep.stdout.splitlines():
    number, _, text = hit.partition(":")
    present = [(form, kind) for form, kind in patterns.items() if form in text]
    # Every value on the line masked, not only the one reported.
    shown = text
    for form, kind in sorted(present, key=lambda p: -len(p[0])):
        shown = shown.replace(form, "[%s]" % kind)
    for _, kind in present:
        found += 1
        print("LEAK: a %s at line %s of %s: %s" % (kind, number, printed_path, shown[:200]))
if found:
    sys.exit("error: %d secrets, tickets, tokens or phone numbers were printed" % found)
print("ok: none of them was printed")
