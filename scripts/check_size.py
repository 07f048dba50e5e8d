#!/usr/bin/env python3
"""House rule check (run by `make test`): no Rust file under src/, core/src,
protocol/src or relay/src over 400 lines, no function over 80 lines.
Test modules kept beside their code (`*_tests.rs`) are held to it too."""
import re
import sys
from pathlib import Path

MAX_FILE, MAX_FN = 400, 80
FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)")


def functions(lines):
    """Yields (name, first line, length) of every fn with a body."""
    i = 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m:
            i += 1
            continue
        depth, started, j = 0, False, i
        while j < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"|//.*', "", lines[j])
            if not started and ";" in code and "{" not in code:
                break  # a declaration without a body
            depth += code.count("{") - code.count("}")
            started = started or "{" in code
            if started and depth <= 0:
                yield m.group(6), i + 1, j - i + 1
                break
            j += 1
        i += 1


def main():
    bad = []
    roots = [Path(p) for p in ("src", "core/src", "relay/src", "protocol/src")]
    for root in roots:
        for path in sorted(root.rglob("*.rs")):
            lines = path.read_text(encoding="utf-8").splitlines()
            if len(lines) > MAX_FILE:
                bad.append(f"{path}: {len(lines)} lines (limit {MAX_FILE})")
            for name, line, length in functions(lines):
                if length > MAX_FN:
                    bad.append(f"{path}:{line}: fn {name} is {length} lines (limit {MAX_FN})")
    for line in bad:
        print(line)
    print(f"size check: {len(bad)} over the limits")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
