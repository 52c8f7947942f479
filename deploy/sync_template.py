#!/usr/bin/env python3
"""Copies deploy/handler.py into deploy/template.yaml as the function's inline code
(`Code.ZipFile: |`), so the code the tests run and the code CloudFormation deploys are the same
text. `--check` changes nothing and exits 1 if they differ (the integration tests check it too).
Standard library only.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "template.yaml")
HANDLER = os.path.join(HERE, "handler.py")
MARKER = "ZipFile: |"


def split(template):
    """(lines before the block, the block's indent, its lines, lines after), lines with newlines."""
    lines = template.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == MARKER]
    if len(starts) != 1:
        sys.exit(f"{TEMPLATE}: want exactly one '{MARKER}' line, found {len(starts)}")
    start = starts[0] + 1
    indent = len(lines[starts[0]]) - len(lines[starts[0]].lstrip()) + 2
    end = start
    # The block runs on while lines are blank or indented at least `indent`.
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= indent
    ):
        end += 1
    # Blank lines at the block's end belong to the YAML around it.
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[:start], indent, lines[start:end], lines[end:]


def render(handler, indent):
    pad = " " * indent
    return [pad + line if line.strip() else "\n" for line in handler.splitlines(keepends=True)]


def main(argv):
    with open(TEMPLATE, encoding="utf-8") as f:
        template = f.read()
    with open(HANDLER, encoding="utf-8") as f:
        handler = f.read()
    if "\t" in handler or not handler.endswith("\n"):
        sys.exit(f"{HANDLER}: must end with a newline and hold no tab")
    before, indent, block, after = split(template)
    wanted = render(handler, indent)
    if block == wanted:
        return 0
    if argv[1:] == ["--check"]:
        print(f"{TEMPLATE}: the inline code differs from {HANDLER}; run {sys.argv[0]}", file=sys.stderr)
        return 1
    with open(TEMPLATE, "w", encoding="utf-8") as f:
        f.write("".join(before + wanted + after))
    print(f"{TEMPLATE}: inline code updated from {HANDLER}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
