#!/usr/bin/env python3
"""Scans what the audit printed for what the emulator knew: `scan-printed.py KNOWN PRINTED`.

KNOWN holds `kind<TAB>value` lines; a value found in PRINTED is reported by its kind
and line, never shown. Exits 1 if any is found."""
import subprocess, sys, tempfile
known_path, printed_path = sys.argv[1], sys.argv[2]
kinds = {}
for line in open(known_path, encoding="utf-8", errors="replace"):
    kind, _, value = line.rstrip("\n").partition("\t")
    # Shorter values would match by chance; the emulator's are all longer.
    if len(value) >= 8:
        kinds.setdefault(value, kind)
size = sum(1 for _ in open(printed_path, "rb"))
counts = {}
for kind in kinds.values():
    counts[kind] = counts.get(kind, 0) + 1
print("scanned %d lines for %s" % (size, ", ".join("%d %ss" % (n, k) for k, n in sorted(counts.items()))))
if not kinds:
    sys.exit("error: the emulator recorded nothing; is the audit variable reaching it?")
with tempfile.NamedTemporaryFile("w", delete=False) as patterns:
    patterns.write("\n".join(kinds) + "\n")
hits = subprocess.run(["grep", "-F", "-n", "-f", patterns.name, printed_path],
                      capture_output=True, text=True, errors="replace").stdout.splitlines()
found = 0
for hit in hits:
    number, _, text = hit.partition(":")
    for value, kind in kinds.items():
        if value in text:
            found += 1
            shown = text.replace(value, "[%s]" % kind)[:200]
            print("LEAK: a %s at line %s of %s: %s" % (kind, number, printed_path, shown))
if found:
    sys.exit("error: %d secrets, tickets, tokens or phone numbers were printed" % found)
print("ok: none of them was printed")
