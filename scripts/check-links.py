#!/usr/bin/env python3
"""Every link in the README and docs/, and every repository path a code comment names, resolves
inside the repository: Markdown links are checked against the files (and their headings, for
`#anchors`); `docs/…`, `openapi/…`, `config/…`, `ops/…`, `scripts/…`, `examples/…` paths in
Sources/ and Tests/ must exist. Nothing may point at a document outside the repository."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
problems = []


def anchors(path):
    text = path.read_text(encoding="utf-8")
    slugs = set()
    for heading in re.findall(r"(?m)^#+\s+(.*)$", text):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        slugs.add(slug)
    return slugs


markdown = [root / "README.md", *sorted((root / "docs").glob("*.md")), root / "examples" / "README.md"]
for page in markdown:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            problems.append(f"{page.relative_to(root)}: link to {target}: no such file")
        elif not str(resolved).startswith(str(root)):
            problems.append(f"{page.relative_to(root)}: link to {target}: outside the repository")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            problems.append(f"{page.relative_to(root)}: link to {target}: no heading #{anchor}")
    if "shared/docs" in text:
        problems.append(f"{page.relative_to(root)}: names a document outside the repository (shared/docs)")

for source in sorted([*root.glob("Sources/**/*.swift"), *root.glob("Tests/**/*.swift")]):
    text = source.read_text(encoding="utf-8")
    for outside in ("DOMAIN.md", "INTERFACE.md", "shared/docs"):
        if outside in text:
            problems.append(f"{source.relative_to(root)}: names {outside}, which is not in the repository")
    for path in set(re.findall(r"\b((?:docs|openapi|config|ops|examples|scripts)/[\w\-./]*\w)", text)):
        if not (root / path).exists() and not any(ch in path for ch in "*<>"):
            problems.append(f"{source.relative_to(root)}: names {path}, which does not exist")

for problem in problems:
    print("check-links: " + problem, file=sys.stderr)
print(f"check-links: {len(markdown)} pages and the code's comments checked; {len(problems)} broken")
sys.exit(1 if problems else 0)
