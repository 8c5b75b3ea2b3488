#!/usr/bin/env python3
"""Print 'N passed, N failed, N skipped' over meson test logs.

Each TAP test case (GTest --tap output) counts once; a test without TAP
output counts as one case.  Exit status 1 when anything failed."""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"missing test log {path}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout", "") or ""
        cases = [l for l in out.splitlines()
                 if l.startswith("ok ") or l.startswith("not ok ")]
        if t.get("protocol") == "tap" or cases:
            for l in cases:
                if l.startswith("not ok "):
                    failed += 1
                elif "# SKIP" in l:
                    skipped += 1
                else:
                    passed += 1
            if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and \
                    not any(l.startswith("not ok ") for l in cases):
                failed += 1      # crashed or timed out outside a case
        elif t["result"] == "OK":
            passed += 1
        elif t["result"] == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
