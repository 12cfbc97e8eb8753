"""Form helpers following the GOV.UK patterns: every error is tied to its field for
screen readers, and the error summary links to each field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .markup import attributes, text


class PlainSelect(forms.Select):
    """A ``<select>`` with the markup of Django's ``select.html``, written in Python.

    The template renderer includes one template per option (and one more for its
    attributes): the case list's filter form, with about 130 options, took 15 ms to
    render that way, a third of the page (docs/performance.md). Labels and values are
    escaped as the templates escape them (``victory.core.markup``)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = "".join(
                f'<option value="{text(option["value"])}"{attributes(option["attrs"])}>{text(option["label"])}</option>'
                for option in options
            )
            parts.append(f'<optgroup label="{text(group_name)}">{rendered}</optgroup>' if group_name else rendered)
        # Every value and label above went through text(): the whole is safe.
        return mark_safe(  # noqa: S308
            f'<select name="{text(widget["name"])}"{attributes(widget["attrs"])}>{"".join(parts)}</select>'
        )


class PlainInputMixin(forms.Widget):
    """An ``<input>`` with the markup of Django's ``input.html``, written in Python (as
    ``PlainSelect``: the template and its attributes' template cost a filter form more
    than its query)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{text(widget["value"])}"'
        return mark_safe(  # noqa: S308 (every value escaped by text())
            f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{shown}{attributes(widget["attrs"])}>'
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainNumberInput(PlainInputMixin, forms.NumberInput):
    pass


class PlainDateInput(PlainInputMixin, forms.DateInput):
    pass


class PlainCheckboxInput(PlainInputMixin, forms.CheckboxInput):
    pass


def form_field_html(field: forms.BoundField) -> SafeString:
    """One field as ``includes/form_field.html`` writes it (label, hint, error, input:
    the GOV.UK pattern), for a form whose thirteen fields, each an include, were a
    fifth of the case list's time. ``tests/core/test_plain_select.py`` holds the two
    to the same markup."""
    auto_id = text(field.auto_id)
    parts = [f'<div class="form-group{" form-group--error" if field.errors else ""}">']
    parts.append(f'<label for="{auto_id}">{text(field.label)}</label>')
    if field.help_text:
        parts.append(f'<span class="hint" id="{auto_id}_hint">{text(field.help_text)}</span>')
    if field.errors:
        messages = " ".join(text(error) for error in field.errors)
        prefix = gettext("Error:")  # outside the f-string, where makemessages finds it
        parts.append(
            f'<span class="error-message" id="{auto_id}_error">'
            f'<span class="visually-hidden">{text(prefix)}</span> {messages}</span>'
        )
    parts.append(str(field))  # the widget's own rendering, escaped by the widget
    parts.append("</div>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped by text())


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
