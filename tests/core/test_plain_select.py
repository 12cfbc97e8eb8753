"""victory.core.forms.PlainSelect: a select written in Python, the same as Django's."""

from __future__ import annotations

import re

from django import forms

from victory.core.forms import PlainSelect


def test_the_plain_select_writes_what_djangos_select_writes() -> None:
    """PlainSelect (written in Python for speed) gives the markup of Django's template
    widget, escaping included, for a chosen value, a group and the aria attributes."""
    choices = [("", "Any"), ("a&b", "A <b>"), ("q", 'Say "hi"'), ("Group", [("g1", "G1"), ("g2", "G2")])]
    attrs = {"aria-describedby": "id_n_hint", "aria-invalid": "true"}

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip())

    for value in ("", "a&b", "g2", None):
        expected = forms.Select(attrs=attrs, choices=choices).render("n", value, attrs={"id": "id_n"})
        written = PlainSelect(attrs=attrs, choices=choices).render("n", value, attrs={"id": "id_n"})
        assert squeezed(written) == squeezed(expected)
    assert "A &lt;b&gt;" in written and 'value="a&amp;b"' in written
