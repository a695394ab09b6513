"""Scenario comments that cite ``docs/reference/realworld.md`` quote it correctly.

``docs/reference/realworld.md`` is a verbatim copy of ``../shared/reference/realworld.md`` (the
project's reference figures, each with its public source), kept in the repository so that this
check works from any clone.

The citation convention of the comments in ``scenarios/*.yaml``:

* ``[RW §1a]`` (or ``[RW §1a, §1f]``) marks a figure taken from that numbered section of
  realworld.md (``## 2.`` is ``§2``, ``### 1a.`` is ``§1a``; a section runs to the next heading of
  the same or a higher level, so ``§2`` includes ``§2b``). The source is named next to the
  marker, as realworld.md names it. Any other ``[RW …]`` spelling, or a ``§`` outside a marker,
  is an error.
* A comment is a run of full-line ``#`` comments at the same indentation (an empty ``#`` line or a
  ``# ----``/``# ====`` rule ends it), or one trailing comment. Its text is split into sentences,
  and each sentence into clauses at ``;`` and at a spaced arrow `` → `` (an arrow introduces what
  we derive from a quote); nothing inside brackets or double quotes is split.
* A clause with a marker QUOTES the cited section(s): every number in it must occur there
  (thousands separators dropped; ``10–14`` must occur as the range ``10–14``; a single number may
  match a range end; signs and ``~``/``≈`` ignored; URLs ignored).
* Text in double quotes in a clause with a marker is a word-for-word quote: it must occur in the
  cited section as written (case, Markdown emphasis and line breaks aside; ``…`` marks a gap).
* A clause (or its sentence) tagged ``DERIVED`` (computed by us from cited numbers, method given)
  or ``ASSUMPTION`` (our choice) is exempt, except for numbers inside double quotes, which are
  quotes of the cited section and must still match: ``DERIVED: "~1.5/yr" [RW §2] → 153 / 1.5``.
* In a comment that cites realworld.md, every clause with a number needs a marker in the clause
  or a DERIVED/ASSUMPTION tag in its sentence: no unattributed numbers next to a citation.
* A URL that occurs in realworld.md must sit in a sentence whose marker cites a section listing
  that URL (a source from realworld.md is always cited through it).

A number is only checked to occur *somewhere* in the cited section, so a small number that is
wrong but happens to occur elsewhere in the section (a day of the month, a "2") slips through;
put an exact figure in double quotes, as the section writes it, to have it checked word for word.
YAML values (``description:`` texts included) are not read, except the coordinates in
``test_cited_coordinates_are_in_section_3``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
REFERENCE = REPO / "docs" / "reference" / "realworld.md"
SHARED_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "realworld.md"

# ------------------------------------------------------------------------------------------------
# realworld.md: sections and the numbers, ranges and URLs in each

HEADING = re.compile(r"^(#{2,3}) (\d+[a-z]?)\. ", re.MULTILINE)
ANY_HEADING = re.compile(r"^(#{1,6}) ", re.MULTILINE)
URL = re.compile(r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,}/\S*")
NUMBER = re.compile(r"(?<![\w.,])(?<![A-Za-z]-)\d+(?:[.,]\d+)*")  # not "go-11", "TP6"
RANGE = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)*)(?:\s*–\s*|-)(?:[~≈+−-])?(\d+(?:[.,]\d+)*)(?![.,]?\d)"
)
MARKER = re.compile(r"\[RW (§\d+[a-z]?(?:, §\d+[a-z]?)*)\]")
ANY_MARKER = re.compile(r"\[RW\b[^\]]*\]")
PLACEHOLDER = "[RW §x]"  # how the scenario headers explain the convention
TAG = re.compile(r"\b(?:DERIVED|ASSUMPTION)\b")
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
ABBREVIATIONS = {"No", "e.g", "i.e", "vs", "cf", "approx", "Int", "St"}


def number_tokens(token: str) -> list[str]:
    """Normalised numbers in one digit run: '1,554' → ['1554'], '30,30,90' → ['30', '30', '90']."""
    if "," in token:
        head, *groups = token.split(",")
        if 1 <= len(head) <= 3 and all(re.fullmatch(r"\d{3}(?:\.\d+)?", g) for g in groups):
            token = token.replace(",", "")
        else:
            return [t for part in token.split(",") for t in number_tokens(part)]
    if token.count(".") == 1:
        token = token.rstrip("0").rstrip(".") or "0"
    return [token]


def strip_urls(text: str) -> str:
    return URL.sub(" ", text)


@dataclass
class Facts:
    """What a section of realworld.md says: its numbers, ranges, URLs and text."""

    numbers: set[str] = field(default_factory=set)
    ranges: set[tuple[str, str]] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    text: str = ""  # normal_text() of the section


def normal_text(text: str) -> str:
    """Case, Markdown emphasis and runs of whitespace do not matter when a quote is compared."""
    return re.sub(r"\s+", " ", re.sub(r"[*`]", "", text)).strip().casefold()


def normal_url(url: str) -> str:
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", url)
    return url.rstrip(").,;*|'\"").rstrip("/")


def numbers_in(text: str) -> list[str]:
    return [n for token in NUMBER.findall(text) for n in number_tokens(token)]


def ranges_in(text: str) -> list[tuple[str, str]]:
    out = []
    for a, b in RANGE.findall(text):
        na, nb = number_tokens(a), number_tokens(b)
        if len(na) == 1 and len(nb) == 1:
            out.append((na[0], nb[0]))
    return out


def facts_of(text: str) -> Facts:
    plain = strip_urls(text)
    facts = Facts(set(numbers_in(plain)), set(ranges_in(plain)))
    facts.urls = {normal_url(u) for u in URL.findall(text)}
    facts.text = normal_text(text)
    return facts


def load_sections(text: str) -> dict[str, Facts]:
    """``{"1a": Facts, "2": Facts, ...}``: each numbered section up to the next heading of the
    same or a higher level (so ``2`` contains ``2b``)."""
    headings = [(m.start(), len(m.group(1))) for m in ANY_HEADING.finditer(text)]
    sections = {}
    for m in HEADING.finditer(text):
        level = len(m.group(1))
        end = next((s for s, lv in headings if s > m.start() and lv <= level), len(text))
        sections[m.group(2)] = facts_of(text[m.start() : end])
    return sections


# ------------------------------------------------------------------------------------------------
# Comments in a scenario file


@dataclass
class Comment:
    line: int  # 1-based line of the first comment line
    text: str


def comments_of(source: str) -> list[Comment]:
    """Comment blocks (runs of full-line comments) and trailing comments of a YAML file; the
    bodies of block scalars (``description: >-``) are skipped."""
    out: list[Comment] = []
    block: list[str] = []
    block_start = block_indent = -1
    scalar_indent: int | None = None

    def flush() -> None:
        nonlocal block
        if block:
            out.append(Comment(block_start, " ".join(block)))
        block = []

    for number, raw in enumerate(source.splitlines(), start=1):
        stripped = raw.lstrip()
        indent = len(raw) - len(stripped)
        if scalar_indent is not None:
            if not stripped or indent > scalar_indent:
                continue
            scalar_indent = None
        if stripped.startswith("#"):
            body = stripped[1:].strip()
            if not body or re.match(r"[-=]{4,}", body):
                flush()
                continue
            if block and indent != block_indent:
                flush()
            if not block:
                block_start, block_indent = number, indent
            block.append(body)
            continue
        flush()
        code, hash_, trailing = raw.partition(" #")
        if hash_ and trailing.strip():
            out.append(Comment(number, trailing.strip()))
        if re.search(r":\s*[>|][-+]?\s*$", code):
            scalar_indent = indent
    flush()
    return out


# ------------------------------------------------------------------------------------------------
# Splitting a comment into sentences and clauses


def split_top_level(text: str, at_sentence_end: bool) -> list[str]:
    """Split at sentence ends (or at ';' and ' → ' when ``at_sentence_end`` is False), never
    inside brackets or double quotes."""
    parts, start, depth, quoted = [], 0, 0, False
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            quoted = not quoted
        elif c in "“”":
            quoted = c == "“"
        elif not quoted and c in "([{":
            depth += 1
        elif not quoted and c in ")]}":
            depth = max(0, depth - 1)
        elif not quoted and depth == 0:
            if at_sentence_end and c in ".?!" and re.match(r"\s+[A-Z(\"“]", text[i + 1 :]):
                word = re.search(r"([\w.]*)$", text[start:i]).group(1)
                if not (re.fullmatch(r"[A-Z]", word) or word in ABBREVIATIONS):
                    parts.append(text[start : i + 1])
                    start = i + 1
            elif not at_sentence_end and (c == ";" or text.startswith(" → ", i)):
                parts.append(text[start:i])
                start = i + (1 if c == ";" else 3)
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def quoted_numbers(text: str) -> list[str]:
    return [n for q in QUOTED.findall(text) for n in numbers_in(strip_urls(q))]


def quoted_ranges(text: str) -> list[tuple[str, str]]:
    return [r for q in QUOTED.findall(text) for r in ranges_in(strip_urls(q))]


@dataclass
class Checked:
    """The result of checking one comment."""

    markers: int = 0  # [RW …] markers
    quotes: list[str] = field(default_factory=list)  # numbers and ranges compared with a section
    problems: list[str] = field(default_factory=list)


def check_comment(text: str, sections: dict[str, Facts], all_urls: set[str]) -> Checked:
    """Check one comment against realworld.md (see the module docstring for the rules)."""
    result = Checked()
    problems = result.problems
    for raw in ANY_MARKER.findall(text):
        if raw != PLACEHOLDER and not MARKER.fullmatch(raw):
            problems.append(f"malformed marker {raw!r} (write [RW §1a] or [RW §1a, §1f])")
    for m in re.finditer(r"§\s*\w+", ANY_MARKER.sub(" ", text)):
        problems.append(f"section reference {m.group(0)!r} outside an [RW …] marker")
    if (text.count('"') % 2) or text.count("“") != text.count("”"):
        problems.append(f"unbalanced double quotes: {text!r}")
    citing = bool(MARKER.search(text))
    for sentence in split_top_level(text, at_sentence_end=True):
        sentence_tagged = bool(TAG.search(sentence))
        sentence_ids = [i.strip()[1:] for m in MARKER.findall(sentence) for i in m.split(",")]
        for url in URL.findall(sentence):
            url = normal_url(url)
            if url in all_urls and not any(
                url in sections[i].urls for i in sentence_ids if i in sections
            ):
                problems.append(
                    f"source URL {url!r} is in realworld.md, but the sentence does not cite a "
                    f"section that lists it: {sentence!r}"
                )
        if not citing:
            continue
        for clause in split_top_level(sentence, at_sentence_end=False):
            ids = [i.strip()[1:] for m in MARKER.findall(clause) for i in m.split(",")]
            result.markers += len(MARKER.findall(clause))
            plain = strip_urls(MARKER.sub(" ", clause))
            missing = [i for i in ids if i not in sections]
            for i in missing:
                problems.append(f"[RW §{i}]: realworld.md has no section {i}")
            if not ids:
                if numbers_in(plain) and not sentence_tagged:
                    problems.append(
                        "numbers with no [RW §…] marker and no DERIVED/ASSUMPTION tag in a "
                        f"comment that cites realworld.md: {clause!r}"
                    )
                continue
            cited = [sections[i] for i in ids if i in sections]
            if not cited:
                continue
            for quote in QUOTED.findall(plain):
                for part in quote[1:-1].split("…"):
                    if normal_text(part) and not any(normal_text(part) in f.text for f in cited):
                        problems.append(
                            f"quote {quote} is not word for word in realworld.md "
                            f"§{', §'.join(ids)} (use … for a gap): {clause!r}"
                        )
            if TAG.search(clause):
                numbers, ranges = quoted_numbers(plain), quoted_ranges(plain)
            else:
                numbers, ranges = numbers_in(plain), ranges_in(plain)
            in_ranges = {n for r in ranges for n in r}
            result.quotes += [f"{lo}–{hi}" for lo, hi in ranges]
            result.quotes += [n for n in numbers if n not in in_ranges]
            for lo, hi in ranges:
                if not any((lo, hi) in f.ranges for f in cited):
                    problems.append(
                        f"range {lo}–{hi} is not in realworld.md §{', §'.join(ids)}: {clause!r}"
                    )
            for n in numbers:
                if n in in_ranges:
                    continue
                if not any(n in f.numbers for f in cited):
                    problems.append(
                        f"{n} is not in realworld.md §{', §'.join(ids)} (mark it DERIVED or "
                        f"ASSUMPTION if it is ours): {clause!r}"
                    )
    return result


# ------------------------------------------------------------------------------------------------
# Tests


@pytest.fixture(scope="module")
def reference() -> tuple[dict[str, Facts], set[str]]:
    text = REFERENCE.read_text(encoding="utf-8")
    return load_sections(text), {normal_url(u) for u in URL.findall(text)}


def test_reference_copy_matches_shared_file():
    assert REFERENCE.is_file(), f"{REFERENCE} is missing"
    copy = REFERENCE.read_bytes()
    assert copy.strip(), f"{REFERENCE} is empty"
    if SHARED_REFERENCE.is_file():
        assert copy == SHARED_REFERENCE.read_bytes(), (
            f"{REFERENCE.relative_to(REPO)} differs from {SHARED_REFERENCE}: copy it again "
            "(and re-check the scenario citations)"
        )


def test_reference_sections_are_found(reference):
    sections, _ = reference
    assert {"0", "1", "1a", "1b", "1c", "1d", "1e", "1f", "2", "2b", "3", "4"} <= set(sections)
    assert "10589" in sections["1a"].numbers
    assert ("10", "14") in sections["1a"].ranges
    assert "10589" not in sections["1b"].numbers
    assert "90" in sections["2"].numbers  # §2 contains §2b and the event table


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_citations_match_realworld(path, reference):
    sections, all_urls = reference
    markers, quotes, problems = 0, 0, []
    for comment in comments_of(path.read_text(encoding="utf-8")):
        checked = check_comment(comment.text, sections, all_urls)
        markers += checked.markers
        quotes += len(checked.quotes)
        problems += [f"{path.name}:{comment.line}: {p}" for p in checked.problems]
    assert not problems, "\n".join(problems)
    assert markers > 0 and quotes > 0, f"{path.name} quotes nothing from realworld.md"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_cited_coordinates_are_in_section_3(path):
    """A node whose lat line carries ``[RW §3]`` uses a lat/lon pair from one row of §3."""
    text = REFERENCE.read_text(encoding="utf-8")
    start = text.index("## 3. ")
    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in text[start : text.index("\n## ", start + 1)].splitlines()
        if line.startswith("|")
    ]

    def values(cell: str) -> list[float]:
        return [float(v) for v in re.findall(r"-?\d+\.\d+", cell.replace("−", "-"))]

    pairs = set()
    for row in rows:
        cells = [values(c) for c in row]
        for a, b in pairwise(cells):
            if a and len(a) == len(b):
                pairs.update(zip(a, b, strict=True))

    lines = path.read_text(encoding="utf-8").splitlines()
    checked = 0
    for i, line in enumerate(lines):
        code, _, comment = line.partition(" #")
        if "[RW §3]" not in comment or not re.search(r"\blat:", code):
            continue
        lat = float(re.search(r"\blat:\s*(-?[\d.]+)", code).group(1))
        lon_match = re.search(r"\blon:\s*(-?[\d.]+)", code) or re.search(
            r"^\s*lon:\s*(-?[\d.]+)", lines[i + 1]
        )
        assert lon_match, f"{path.name}:{i + 1}: no lon next to the cited lat"
        pair = (lat, float(lon_match.group(1)))
        assert pair in pairs, (
            f"{path.name}:{i + 1}: {pair} is not a lat/lon pair of realworld.md §3"
        )
        checked += 1
    data = yaml.safe_load("\n".join(lines))
    with_coordinates = [n for n, node in data["nodes"].items() if "lat" in node]
    assert checked == len(with_coordinates), (
        f"{path.name}: {len(with_coordinates)} nodes have coordinates, {checked} cite [RW §3]"
    )


def test_a_wrong_quote_is_reported(reference):
    """The check can fail: wrong numbers, ranges, sections and unattributed numbers are caught."""
    sections, all_urls = reference

    def problems(text: str) -> list[str]:
        return check_comment(text, sections, all_urls).problems

    good = 'Cape adds "at least 7, more often 10–14" d (PEMP [RW §1a]) → 12 d (DERIVED).'
    assert problems(good) == []
    assert problems("Shanghai→Rotterdam via Suez 10,589 nm (searoute, derived in [RW §1a]).") == []
    assert problems('DERIVED: "~1.5/yr" (HKO [RW §2]) → 153 / 1.5 = 102 d.') == []

    wrong = problems("Shanghai→Rotterdam via Suez 10,598 nm (searoute, derived in [RW §1a]).")
    assert any("10598 is not in realworld.md §1a" in p for p in wrong), wrong
    wrong_range = problems("The Cape adds 10–15 d (PEMP [RW §1a]).")
    assert any("range 10–15" in p for p in wrong_range), wrong_range
    wrong_section = problems("Border dwell usually 2–3 d (RailTech 2018 [RW §1a]).")
    assert wrong_section, "a quote from §1b cited as §1a must be reported"
    assert any("no section 2a" in p for p in problems("Suez blocked 6 days [RW §2a]."))
    assert any("malformed" in p for p in problems("Cape +10–14 d [RW §1a, PEMP]."))
    quoted_wrong = problems('DERIVED: "~1.6/yr" (HKO [RW §2]) → 153 / 1.6 = 96 d.')
    assert any("1.6 is not in" in p for p in quoted_wrong), quoted_wrong
    unattributed = problems("Chongqing→Duisburg 16–18 d (navisgroup [RW §1b]); legs sum to 14 d.")
    assert any("no [RW §…] marker" in p for p in unattributed), unattributed
    uncited_url = problems("Median 32 d (geesecargo.com/?p=4547); Cape 45–48 d (PEMP [RW §1b]).")
    assert any("geesecargo.com/?p=4547" in p for p in uncited_url), uncited_url
    not_verbatim = problems('The Cape adds "more often 10–15" d (PEMP [RW §1a]).')
    assert any("not word for word" in p for p in not_verbatim), not_verbatim


def test_a_wrong_quote_in_a_scenario_file_is_reported(reference):
    """The same path as the shipped files: comments are found in YAML text, then checked."""
    sections, all_urls = reference
    fake = """\
name: fake
description: >-
  Not a comment: 99,999 nm [RW §1a] is never read.
legs:
  # Round the Cape: Shanghai→Rotterdam 13,990 nm via the Cape
  # (searoute, derived in [RW §1a]) → 18 d (DERIVED).
  sin_cape: {from: a, to: b, transit_days: 18}   # "Cape adds at least 7" d (PEMP [RW §1a])
  cape_rtm: {from: b, to: c, transit_days: 20}   # port-to-port Cape 45–48 d (geesecargo [RW §1d])
"""
    comments = comments_of(fake)
    assert [c.line for c in comments] == [5, 7, 8]
    found = {c.line: check_comment(c.text, sections, all_urls).problems for c in comments}
    assert any("13990 is not in realworld.md §1a" in p for p in found[5]), found
    assert found[7] == []
    assert any("range 45–48 is not in realworld.md §1d" in p for p in found[8]), found  # it is §1a
