"""The repository's code and docs cite only the repository: no pointers into documents a reader of a clone
cannot open (a design note, a reference study or a sample-data folder kept outside the repository, numbered
sections of such documents, tracker issues, work-session history).

What the project takes from the MTRefSeg-R1 paper and its reference code is in docs/REFERENCE.md (sections
R0-R8); code and docs point there ("docs/REFERENCE.md R2.3"), or at "paper §IV-C3", or at docs/INTERFACES.md
sections ("INTERFACES §2"). A command-line default that reaches the sample data beside the repository
(`ROOT.parent / "shared" / "data"`) is code, not a citation, and contains none of the patterns below.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THIS = Path(__file__).resolve()

# What is scanned: the repository's own code and docs.
ROOTS = ("engine", "mtrs_qgis_plugin", "scripts", "docs", "tests", "bench", "README.md")
SUFFIXES = {".py", ".md", ".txt", ".cfg", ".toml", ".sh", ".qml", ".ui", ".yaml", ".yml"}
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}

# (why it is forbidden, pattern): each names a document outside the repository, or a history only its
# authors had.
FORBIDDEN: list[tuple[str, re.Pattern[str]]] = [
    ("section of the outside reference study", re.compile(r"reference\s*\(?\s*§", re.IGNORECASE)),
    ("outside design note", re.compile(r"\bDESIGN\b")),
    ("path outside the repository", re.compile(r"\.\./shared\b")),
    (
        "outside reference document",
        re.compile(r"shared/reference|mtrefseg-r1-reference\.md|qgis-plugin-anchors", re.IGNORECASE),
    ),
    ("tracker issue", re.compile(r"\bissues?\s+#?\d", re.IGNORECASE)),
    ("item of an outside survey", re.compile(r"\banchors\s+T\d")),
    (
        "work-session history",
        re.compile(
            r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)[- ]sessions?\b", re.I
        ),
    ),
]
# A section sign must say whose section it is: the paper's or docs/INTERFACES.md's. docs/REFERENCE.md lists
# the paper's sections in a table and is exempt from this one rule.
BARE_SECTION = re.compile(r"(?<!paper )(?<!INTERFACES )(?<!INTERFACES\.md )§")
BARE_SECTION_EXEMPT = {ROOT / "docs" / "REFERENCE.md"}


def scanned_files(root: Path = ROOT) -> list[Path]:
    files: list[Path] = []
    for name in ROOTS:
        top = root / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in candidates:
            if path.is_file() and path.suffix in SUFFIXES and not SKIP_DIRS.intersection(path.parts):
                files.append(path)
    return files


def violations(path: Path, exempt_bare_section: bool = False) -> list[str]:
    """`file:line: why: text` for every forbidden citation in one file."""
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        reasons = [why for why, pattern in FORBIDDEN if pattern.search(line)]
        if not exempt_bare_section and BARE_SECTION.search(line):
            reasons.append("section sign without 'paper' or 'INTERFACES'")
        for why in reasons:
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            found.append(f"{where}:{number}: {why}: {line.strip()[:120]}")
    return found


def test_repository_cites_only_itself():
    files = [p for p in scanned_files() if p.resolve() != THIS]
    assert len(files) > 100, "the scan found almost nothing: the roots moved?"
    problems = [v for p in files for v in violations(p, p.resolve() in BARE_SECTION_EXEMPT)]
    assert not problems, "citations of documents outside the repository:\n" + "\n".join(problems)


def test_reference_page_exists_with_its_sections():
    text = (ROOT / "docs" / "REFERENCE.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (R\d+(?:\.\d+)?) ", text, flags=re.MULTILINE))
    for cited in ("R1.2", "R1.3", "R1.5", "R2.1", "R2.3", "R2.7", "R2.9", "R3.2", "R3.5", "R4", "R5.1", "R7"):
        assert cited in headings, f"docs/REFERENCE.md has no section {cited}"


def test_every_cited_reference_section_exists():
    """Each "REFERENCE.md Rx.y" (also "Rx.y/Rz" lists) in the code and docs names a heading of that page."""
    text = (ROOT / "docs" / "REFERENCE.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ (R\d+(?:\.\d+)?) ", text, flags=re.MULTILINE))
    cite = re.compile(r"REFERENCE\.md\)?\s+((?:R\d+(?:\.\d+)?(?:\s*(?:,|/|–|and)\s*)?)+)")
    missing, checked = [], 0
    for path in scanned_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in cite.finditer(text):  # across line breaks: "docs/REFERENCE.md\n    R2.3"
            number = text.count("\n", 0, match.start()) + 1
            for section in re.findall(r"R\d+(?:\.\d+)?", match.group(1)):
                checked += 1
                if section not in headings:
                    missing.append(f"{path.relative_to(ROOT)}:{number}: {section}")
    assert checked > 50, f"only {checked} citations found: the pattern no longer matches the code's form?"
    assert not missing, "citations of sections docs/REFERENCE.md does not have:\n" + "\n".join(missing)


def test_the_check_catches_each_pattern(tmp_path):
    """Each forbidden form is reported with its line; the sample-data default and proper pointers are not."""
    bad = [
        "x = 1  # as in reference §2.3",
        "see DESIGN.md decision 1",
        "python prepare.py --shared ../shared/data",
        "details in reference/mtrefseg-r1-reference.md",
        "(issue 5, requirement 9)",
        "memory (anchors T3)",
        "measured in the seventh session",
        "exactly as §4 says",
    ]
    good = [
        'default=ROOT.parent / "shared" / "data"',
        "the fusion block (docs/REFERENCE.md R2.3; paper §IV-C3)",
        "the worker protocol (INTERFACES §3, docs/INTERFACES.md §1b)",
        "settings remembered across QGIS sessions; a session-scoped fixture",
    ]
    sample = tmp_path / "sample.py"
    sample.write_text("\n".join(bad + good) + "\n", encoding="utf-8")
    found = violations(sample)
    flagged = sorted({int(v.split(":")[1]) for v in found})
    assert flagged == list(range(1, len(bad) + 1)), found
