#!/usr/bin/env python3
"""The closing lines of `make check`, each test counted once.

usage: test-summary.py PLAIN-TESTLOG ASAN-TESTLOG [SECONDS]

Reads meson's testlog.json of the plain build (every test) and of the
ASan+UBSan build (the same unit tests again) and prints:

  tests: N passed, N failed, N skipped       every distinct test case once
  asan: N passed, N failed, N skipped        the rerun under ASan+UBSan
  fuzz corpus: N inputs replayed, N crashes  both builds replay it
  wall time: M min S s                       when SECONDS is given
  N passed, N failed, N skipped

The last line is the distinct test cases (without the corpus inputs) plus
one test for the ASan+UBSan rerun and one for the corpus replay, so that
a reader's "N tests" means N different things checked.  A TAP case
counts once; a test without TAP output counts as one case; a test that
crashed or timed out outside its cases counts one failure more.  Exit
status 1 when anything failed."""
import json
import sys

FUZZ_TEST = "fuzz-corpus"      # fuzz-corpus, fuzz-corpus-rpc


def count(path):
    """{'tests': [p, f, s], 'fuzz': [inputs, crashes]} of one testlog"""
    tests, fuzz = [0, 0, 0], [0, 0]
    try:
        lines = open(path).read().splitlines()
    except OSError:
        print(f"missing test log {path}", file=sys.stderr)
        return {"tests": [0, 1, 0], "fuzz": [0, 1]}
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout", "") or ""
        cases = [l for l in out.splitlines()
                 if l.startswith("ok ") or l.startswith("not ok ")]
        p = f = s = 0
        if t.get("protocol") == "tap" or cases:
            for l in cases:
                if l.startswith("not ok "):
                    f += 1
                elif "# SKIP" in l:
                    s += 1
                else:
                    p += 1
            if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and f == 0:
                f += 1      # crashed or timed out outside a case
        elif t["result"] == "OK":
            p = 1
        elif t["result"] == "SKIP":
            s = 1
        else:
            f = 1
        if t["name"].split(" / ")[-1].startswith(FUZZ_TEST):
            fuzz[0] += p + f + s
            fuzz[1] += f
        else:
            tests = [tests[0] + p, tests[1] + f, tests[2] + s]
    return {"tests": tests, "fuzz": fuzz}


def line(c):
    return f"{c[0]} passed, {c[1]} failed, {c[2]} skipped"


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    plain, asan = count(sys.argv[1]), count(sys.argv[2])
    inputs = max(plain["fuzz"][0], asan["fuzz"][0])
    crashes = plain["fuzz"][1] + asan["fuzz"][1]
    asan_bad = asan["tests"][1] > 0 or asan["tests"][0] == 0
    fuzz_bad = crashes > 0 or inputs == 0
    print("tests: " + line(plain["tests"]))
    print("asan: " + line(asan["tests"]) + "   (the unit tests under ASan+UBSan)")
    print(f"fuzz corpus: {inputs} inputs replayed, {crashes} crashes"
          "   (plain and ASan+UBSan builds)")
    if len(sys.argv) == 4:
        secs = int(sys.argv[3])
        print(f"wall time: {secs // 60} min {secs % 60} s")
    total = [plain["tests"][0] + (not asan_bad) + (not fuzz_bad),
             plain["tests"][1] + asan_bad + fuzz_bad,
             plain["tests"][2]]
    print(line(total))
    return 1 if total[1] else 0


sys.exit(main())
