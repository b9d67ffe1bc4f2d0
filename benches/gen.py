"""Configuration generators for the terrane benchmark harness.

Every shape writes one `main.tf` of `terraform_data` resources only, so the
same directory runs under terrane and under Terraform with no provider
download (terraform_data is built into both).
"""

import os

SHAPES = ["independent", "count", "for_each", "chain", "layered", "interpolated"]

# layered: LAYERS layers of N / LAYERS resources; each resource references
# FAN_IN resources of the previous layer (its own column and the next ones).
LAYERS = 10
FAN_IN = 4


def _keys_expr(n):
    # Terraform's range() refuses more than 1,024 elements, so the keys are
    # built from nested ranges of at most 1,000.
    outer = (n + 999) // 1000
    return (
        "toset(flatten([for a in range(%d) : "
        "[for b in range(1000) : format(\"k%%05d\", a * 1000 + b) if a * 1000 + b < %d]]))"
        % (outer, n)
    )


def independent(n):
    out = []
    for i in range(n):
        out.append(
            'resource "terraform_data" "r%d" {\n  input = "value-%d"\n}\n' % (i, i)
        )
    return "\n".join(out)


def count(n):
    return (
        'resource "terraform_data" "r" {\n'
        "  count = %d\n"
        '  input = "value-${count.index}"\n'
        "}\n" % n
    )


def for_each(n):
    return (
        'resource "terraform_data" "r" {\n'
        "  for_each = %s\n"
        '  input    = "value-${each.key}"\n'
        "}\n" % _keys_expr(n)
    )


def chain(n):
    out = ['resource "terraform_data" "r0" {\n  input = "value-0"\n}\n']
    for i in range(1, n):
        out.append(
            'resource "terraform_data" "r%d" {\n'
            '  input = "${terraform_data.r%d.id}-%d"\n'
            "}\n" % (i, i - 1, i)
        )
    return "\n".join(out)


def layered(n):
    width = max(1, n // LAYERS)
    layers = max(1, n // width)
    out = []
    for layer in range(layers):
        for j in range(width):
            name = "l%d_%d" % (layer, j)
            if layer == 0:
                body = '  input = "value-%d"\n' % j
            else:
                refs = ", ".join(
                    "terraform_data.l%d_%d.id" % (layer - 1, (j + d) % width)
                    for d in range(min(FAN_IN, width))
                )
                body = "  input = [%s]\n" % refs
            out.append('resource "terraform_data" "%s" {\n%s}\n' % (name, body))
    return "\n".join(out)


def interpolated(n):
    return (
        "locals {\n"
        '  prefix = "bench-${terraform.workspace}"\n'
        '  words  = ["alpha", "beta", "gamma", "delta", "epsilon"]\n'
        "  tags = {\n"
        '    team  = "platform"\n'
        '    owner = "bench"\n'
        '    tier  = "backend"\n'
        "  }\n"
        "}\n"
        "\n"
        'resource "terraform_data" "r" {\n'
        "  count = %d\n"
        "  input = {\n"
        '    name    = format("%%s-%%05d", local.prefix, count.index)\n'
        '    label   = "${upper(local.prefix)}/${lower(element(local.words, count.index))}/${count.index * 7 %% 13}"\n'
        '    words   = join(",", [for w in local.words : "${w}-${count.index}" if length(w) > 4])\n'
        '    digest  = sha256("${local.prefix}-${count.index}")\n'
        '    short   = substr(md5(tostring(count.index)), 0, 8)\n'
        '    tags    = merge(local.tags, { index = tostring(count.index), parity = count.index %% 2 == 0 ? "even" : "odd" })\n'
        '    encoded = jsonencode({ n = count.index, w = local.words })\n'
        '    replaced = replace(title(join(" ", local.words)), "/[aeiou]/", "_")\n'
        "  }\n"
        "}\n" % n
    )


GENERATORS = {
    "independent": independent,
    "count": count,
    "for_each": for_each,
    "chain": chain,
    "layered": layered,
    "interpolated": interpolated,
}


def write_config(directory, shape, n):
    """Write main.tf for SHAPE with N resources into DIRECTORY (created)."""
    os.makedirs(directory, exist_ok=True)
    text = GENERATORS[shape](n)
    with open(os.path.join(directory, "main.tf"), "w", encoding="utf-8") as f:
        f.write(text)
    return len(text)
