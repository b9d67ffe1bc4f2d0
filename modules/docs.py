#!/usr/bin/env python3
"""Regenerates the Inputs/Outputs tables of every module's README.md.

The tables sit between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->
markers and are built from variables.tf and outputs.tf (which `terrane fmt`
keeps in canonical layout, so a line-oriented reader is enough).

    modules/docs.py            rewrite the tables
    modules/docs.py --check    exit 1 if any README is out of date
"""

import pathlib
import re
import sys

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
ROOT = pathlib.Path(__file__).resolve().parent


def blocks(text, kind):
    """Yields (name, body) of each top-level `kind "name" { ... }` block."""
    for m in re.finditer(r'^%s "([^"]+)" \{\n(.*?)^\}' % kind, text, re.S | re.M):
        yield m.group(1), m.group(2)


def attr(body, name):
    """The expression of a top-level attribute (multi-line values joined)."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^  %s\s+=\s+(.*)$" % name, line)
        if not m:
            continue
        value = m.group(1)
        depth = value.count("{") + value.count("(") + value.count("[")
        depth -= value.count("}") + value.count(")") + value.count("]")
        j = i + 1
        while depth > 0 and j < len(lines):
            part = lines[j].strip()
            sep = " "
            if not value.endswith(("{", "(", "[", ",")) and not part.startswith(("}", ")", "]")):
                sep = ", "
            value += sep + part
            depth += part.count("{") + part.count("(") + part.count("[")
            depth -= part.count("}") + part.count(")") + part.count("]")
            j += 1
        value = re.sub(r"\s+", " ", value).replace("( ", "(").replace(" )", ")")
        return value.replace("{ ", "{").replace(" }", "}")
    return None


def unquote(s):
    if s and s.startswith('"') and s.endswith('"'):
        return s[1:-1].replace('\\"', '"')
    return s


def cell(s):
    return s.replace("|", "\\|")


def tables(module):
    variables = (module / "variables.tf").read_text()
    outputs = (module / "outputs.tf").read_text()
    out = ["## Inputs", "", "| Name | Description | Type | Default | Required |",
           "|------|-------------|------|---------|:--------:|"]
    for name, body in sorted(blocks(variables, "variable")):
        default = attr(body, "default")
        out.append("| %s | %s | `%s` | %s | %s |" % (
            name,
            cell(unquote(attr(body, "description") or "")),
            cell(attr(body, "type") or "any"),
            "n/a" if default is None else "`%s`" % cell(default),
            "yes" if default is None else "no",
        ))
    out += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for name, body in sorted(blocks(outputs, "output")):
        out.append("| %s | %s |" % (name, cell(unquote(attr(body, "description") or ""))))
    return "\n".join(out)


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for readme in sorted(ROOT.glob("*/README.md")):
        text = readme.read_text()
        start, end = text.find(BEGIN), text.find(END)
        if start < 0 or end < start:
            stale.append("%s: missing %s/%s markers" % (readme, BEGIN, END))
            continue
        new = text[: start + len(BEGIN)] + "\n" + tables(readme.parent) + "\n" + text[end:]
        if new != text:
            if check:
                stale.append("%s: tables out of date (run modules/docs.py)" % readme)
            else:
                readme.write_text(new)
    for line in stale:
        print(line, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
