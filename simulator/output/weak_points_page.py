"""The one-file ``report.html`` of a weak-point folder (stress test, worst case, sensitivity):
its sections (:mod:`.weak_points_report`) in the run report's style, self-contained."""

from __future__ import annotations

import html
from pathlib import Path

from .files import write_atomic
from .report import STYLE
from .weak_points_report import sections_of

esc = html.escape


def write_section_report(folder: str | Path, title: str) -> Path:
    """``folder/report.html``: one self-contained page of the folder's weak-point sections."""
    folder = Path(folder)
    sections = sections_of(folder)
    nav = "".join(f"<a href='#{sid}'>{esc(t)}</a>" for sid, t, _ in sections)
    body = "".join(f"<section id='{sid}'><h2>{esc(t)}</h2>{h}</section>" for sid, t, h in sections)
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    text = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">"
        f"<title>diversim — {esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>diversim — {esc(title)}</h1></header><nav>{nav}</nav>"
        f"<main>{body}</main></body></html>\n"
    )
    return write_atomic(folder / "report.html", text)
