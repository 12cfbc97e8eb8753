"""What a browser would send for a form on a page: every field with the value the page
shows, so a test changes only what a person would change and keeps the rest (hidden
inputs, inline management forms, checked boxes) as they are."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

# Inputs a browser never sends by themselves, or sends only when clicked.
_NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # > 0 while inside the chosen form
        self.found = False
        self.data: dict[str, list[str]] = {}
        self._select: tuple[str, bool] | None = None  # name, multiple
        self._select_options: list[tuple[str, bool]] = []
        self._option: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        # The empty inline form is a template for script, never a form of its own.
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif not self.found and (self.form_id is None or attributes.get("id") == self.form_id):
                self.depth, self.found = 1, True
            return
        if not self.depth or "disabled" in attributes:
            return
        name = attributes.get("name", "")
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in _NOT_SENT:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._add(name, attributes.get("value", "on"))
                return
            self._add(name, attributes.get("value", ""))
        elif tag == "select":
            self._select = (name, "multiple" in attributes)
            self._select_options = []
        elif tag == "option" and self._select is not None:
            self._option = {"value": attributes.get("value"), "selected": "selected" in attributes}
            self._text = []
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None or self._option is not None:
            self._text.append(data)

    def _end_option(self) -> None:
        if self._option is not None:
            value = self._option["value"]
            self._select_options.append(
                (value if value is not None else "".join(self._text).strip(), self._option["selected"])
            )
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            name, multiple = self._select
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not multiple and self._select_options:
                chosen = [self._select_options[0][0]]  # a browser sends the first option
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops one newline right after <textarea>, as a browser does.
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_data(html: str, *, form_id: str | None = None) -> dict[str, list[str]]:
    """The fields of the form ``form_id`` (or the first form) as a browser would post them."""
    parser = _FormParser(form_id)
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise AssertionError(f"No form {form_id or ''} on the page.")
    return parser.data
