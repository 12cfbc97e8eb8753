"""Plain text to safe HTML for content pages: blank lines make paragraphs, "## " a
subheading, "- " list items. Everything is escaped first, so content can never carry
markup or scripts; no library is needed for so little structure."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def render_plain(text: str, *, heading_level: int = 2) -> SafeString:
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    html: list[str] = []
    for block in blocks:
        if not block.strip():
            continue
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        paragraph: list[str] = []
        items: list[str] = []

        def flush() -> None:
            if paragraph:
                html.append("<p>" + "<br>".join(escape(line) for line in paragraph) + "</p>")
                paragraph.clear()
            if items:
                html.append('<ul class="list">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
                items.clear()

        for line in lines:
            stripped = line.strip()
            if stripped.startswith("## "):
                flush()
                html.append(f"<h{heading_level}>{escape(stripped[3:].strip())}</h{heading_level}>")
            elif stripped.startswith("- "):
                if paragraph:
                    flush()
                items.append(stripped[2:].strip())
            else:
                if items:
                    flush()
                paragraph.append(stripped)
        flush()
    return mark_safe("\n".join(html))  # noqa: S308  (every piece of text was escaped above)
