#!/usr/bin/env python3
"""Print the kernel contract table (reStructuredText) from test results.

usage: contract-table.py LAB_DIR MESON_TESTLOG_JSON

LAB_DIR holds the lab's TAP files (kernel/lab/lab.sh contract writes
BUILD/lab/SUITE.tap); the meson log holds the fake host's runs (suite
'contract').  Each row: case | real kernel | fake host."""
import json
import re
import sys

SUITES = [("pci_sysfs_test", "pci_sysfs_test"),
          ("vfio_group_test", "vfio_group_test"),
          ("vfio_spapr_test", "vfio_spapr_test"),
          ("kvm_test", "kvm_test_power")]


def parse_tap(text):
    res = {}
    for line in text.splitlines():
        m = re.match(r"^(not ok|ok) \d+ (\S+)(?: # SKIP (.*))?", line)
        if not m:
            continue
        status, name, skip = m.groups()
        res[name] = "FAIL" if status == "not ok" else \
                    ("skip: " + skip if skip else "pass")
    return res


lab_dir, testlog = sys.argv[1], sys.argv[2]
model = {}
for line in open(testlog):
    t = json.loads(line)
    model[t["name"].split(" / ")[-1]] = parse_tap(t.get("stdout") or "")

rows = []
for lab_suite, model_suite in SUITES:
    try:
        lab = parse_tap(open(f"{lab_dir}/{lab_suite}.tap").read())
    except OSError:
        lab = {}
    fake = model.get(model_suite, {})
    for name in list(lab) + [n for n in fake if n not in lab]:
        rows.append((name, lab.get(name, "not run"), fake.get(name, "not run")))

w = max(len(r[0]) for r in rows) + 4
print(".. list-table::\n   :header-rows: 1\n   :widths: 60 20 20\n")
print("   * - contract case\n     - real kernel\n     - fake host")
for name, real, fake in rows:
    print(f"   * - ``{name}``\n     - {real}\n     - {fake}")
print(f"\n{sum(1 for r in rows if r[1] == 'pass')} of {len(rows)} cases "
      f"pass on the real kernel, {sum(1 for r in rows if r[2] == 'pass')} "
      "on the fake host.")
