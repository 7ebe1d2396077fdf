"""Render each addon's readme/ fragments into its README.rst (OCA layout).

OCA's oca-gen-addon-readme is not on PyPI, so the same idea in a few lines:
the fragments are the source, README.rst is generated and checked by
pre-commit (``--check`` fails when a README is stale).
"""

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.rst", None),
    ("INSTALL.rst", "Installation"),
    ("CONFIGURE.rst", "Configuration"),
    ("USAGE.rst", "Usage"),
    ("PRIVACY.rst", "Consent and privacy"),
    ("DEVELOP.rst", "Development"),
    ("ROADMAP.rst", "Known issues / Roadmap"),
]


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    readme = addon / "readme"
    title = manifest["name"]
    out = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        (
            f"*{manifest['summary']}* — version {manifest['version']}, "
            f"license {manifest['license']}, status "
            f"{manifest.get('development_status', 'Beta')}."
        ),
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = readme / filename
        if not fragment.exists():
            continue
        if heading:
            out += [heading, "=" * len(heading), ""]
        out += [fragment.read_text().strip(), ""]
    out += ["Credits", "=======", "", "Authors", "-------", ""]
    out += [f"- {author.strip()}" for author in manifest["author"].split(",")]
    contributors = readme / "CONTRIBUTORS.rst"
    if contributors.exists():
        out += [
            "",
            "Contributors",
            "------------",
            "",
            contributors.read_text().strip(),
        ]
    maintainers = ", ".join(manifest.get("maintainers", []))
    if maintainers:
        out += ["", "Maintainers", "-----------", "", f"Maintained by {maintainers}."]
    return "\n".join(out) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest.parent
        if not (addon / "readme").is_dir():
            continue
        text = render(addon)
        target = addon / "README.rst"
        if not target.exists() or target.read_text() != text:
            stale.append(target.relative_to(ROOT))
            target.write_text(text)
    for path in stale:
        print(f"regenerated {path}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
