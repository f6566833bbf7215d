#!/usr/bin/env python3
"""Checks ctest's "Label Time Summary" (in the output file given first)
against tests/label-budgets.txt (given second): prints each label's time
beside its budget and exits 1 when a label is over budget or has none, 0
otherwise (and when the output has no summary: nothing ran)."""
import re
import sys


def main(output, budgets_file):
    budgets = {}
    for line in open(budgets_file):
        line = line.split("#", 1)[0].split()
        if line:
            budgets[line[0]] = float(line[1])
    text = open(output, errors="replace").read()
    if "Label Time Summary:" not in text:
        return 0
    summary = text.rsplit("Label Time Summary:", 1)[1]
    failures = []
    print(f"CI time per label (sec*proc) against its budget ({budgets_file}):")
    for label, seconds in re.findall(r"^(\S+)\s+=\s+([\d.]+) sec\*proc", summary, re.M):
        budget = budgets.get(label)
        print(f"  {label:<14} {float(seconds):>8.1f} of {budget if budget is not None else '(none)'}")
        if budget is None:
            failures.append(f"label {label} has no budget in {budgets_file}")
        elif float(seconds) > budget:
            failures.append(f"label {label} took {float(seconds):.0f} s, over its budget of {budget:.0f} s: move "
                            f"long runs under `bench` or raise the budget on purpose")
    for f in failures:
        print("label budget: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
