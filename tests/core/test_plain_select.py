"""victory.core.forms: the select, inputs and form fields written in Python, the same
markup as Django's widgets and includes/form_field.html."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django import forms
from django.template import Context, Template

from victory.core.forms import (
    AccessibleFormMixin,
    PlainCheckboxInput,
    PlainDateInput,
    PlainNumberInput,
    PlainSelect,
    PlainTextInput,
)


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


@pytest.mark.parametrize(
    ("plain", "django_widget", "value"),
    [
        (PlainTextInput(), forms.TextInput(), 'CA-1 "<b>'),
        (PlainNumberInput(), forms.NumberInput(), 3),
        (
            PlainDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            date(2026, 3, 31),
        ),
        (PlainCheckboxInput(), forms.CheckboxInput(), True),
        (PlainCheckboxInput(), forms.CheckboxInput(), False),
        (PlainTextInput(), forms.TextInput(), None),
    ],
)
def test_the_plain_inputs_write_what_djangos_inputs_write(
    plain: forms.Widget, django_widget: forms.Widget, value: object
) -> None:
    attrs = {"id": "id_n", "aria-describedby": "id_n_hint", "required": True}
    assert plain.render("n", value, attrs=attrs) == django_widget.render("n", value, attrs=attrs)


class _Sample(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="Name <you>", max_length=5, help_text="As you like & more.", widget=PlainTextInput)
    when = forms.DateField(label="When", required=False, widget=PlainDateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A & B")], widget=PlainSelect)
    sure = forms.BooleanField(label="Sure", required=False, widget=PlainCheckboxInput)


@pytest.mark.parametrize("data", [None, {"name": "far too long <x>", "when": "31/02", "kind": "zzz"}])
def test_form_fields_write_what_the_form_field_include_writes(data: dict[str, str] | None) -> None:
    """``{% form_fields %}`` (Python) and ``includes/form_field.html`` give the same
    markup: label, hint, each error with its hidden "Error:", the widget."""
    form = _Sample(data)
    form.is_valid()
    names = ("name", "when", "kind", "sure")
    included = Template(
        "{% for name in names %}{% for field in form %}{% if field.name == name %}"
        '{% include "includes/form_field.html" with field=field %}'
        "{% endif %}{% endfor %}{% endfor %}"
    ).render(Context({"form": form, "names": names}))
    written = Template("{% load victory_forms %}" + '{% form_fields form "name" "when" "kind" "sure" %}').render(
        Context({"form": form})
    )

    def squeezed(html: str) -> str:
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html).strip())

    assert squeezed(written) == squeezed(included)
    if data:
        assert (
            "form-group--error" in written and 'aria-invalid="true"' in written and "far too long &lt;x&gt;" in written
        )
    assert "Name &lt;you&gt;" in written and "As you like &amp; more." in written
