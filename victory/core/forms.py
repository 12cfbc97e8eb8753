"""Form helpers following the GOV.UK patterns: every error is tied to its field for
screen readers, and the error summary links to each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """A ``<select>`` with the markup of Django's ``select.html``, written in Python.

    The template renderer includes one template per option (and one more for its
    attributes): the case list's filter form, with about 130 options, took 15 ms to
    render that way, a third of the page (docs/performance.md). Labels and values are
    escaped by ``format_html`` as the templates escape them."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(option["value"]), flatatt(option["attrs"]), option["label"]) for option in options),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        # Each part is already safe (format_html): joined without escaping them again.
        joined = format_html_join("", "{}", ((part,) for part in parts))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), joined)


class AccessibleFormMixin(forms.BaseForm):
    """Marks invalid fields with ``aria-invalid`` and points ``aria-describedby`` at the
    hint and the error message, so a screen reader reads both with the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Before any validation, point at our hint (Django would point at an
        # "_helptext" id that our templates do not render).
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described_by = []
            if field.help_text:
                described_by.append(f"{bound.auto_id}_hint")
            if name in self.errors:
                described_by.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described_by:
                field.widget.attrs["aria-describedby"] = " ".join(described_by)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def error_summary(self) -> list[dict[str, Any]]:
        """Each error with the id of the field to link to (non-field errors link to the form)."""
        items = []
        for name, errors in self.errors.items():
            target = self[name].auto_id if name in self.fields else ""
            for message in errors:
                items.append({"message": message, "target": target})
        return items
