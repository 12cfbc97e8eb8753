"""Plain text to safe HTML for content pages: blank lines make paragraphs, "## " a
subheading, "- " list items. Everything is escaped first, so content can never carry
markup or scripts; no library is needed for so little structure."""

from __future__ import annotations

from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _line_kind(line: str) -> str:
    if line.startswith("## "):
        return "heading"
    if line.startswith("- "):
        return "item"
    return "text"


def render_plain(text: str, *, heading_level: int = 2) -> SafeString:
    html: list[str] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for kind, run in groupby(lines, key=_line_kind):
            group = list(run)
            if kind == "heading":
                html.extend(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>" for line in group)
            elif kind == "item":
                items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in group)
                html.append(f'<ul class="list">{items}</ul>')
            else:
                html.append("<p>" + "<br>".join(escape(line) for line in group) + "</p>")
    return mark_safe("\n".join(html))  # noqa: S308  (every piece of text was escaped above)
