"""``{% load victory_forms %}{% form_fields form "a" "b" %}``: the named fields of a
form, each as ``includes/form_field.html`` writes it, in one pass of Python
(``victory.core.forms.form_field_html``) rather than one template include per field."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

from victory.core.forms import form_field_html

register = template.Library()


@register.simple_tag
def form_fields(form: forms.BaseForm, *names: str) -> SafeString:
    # Each field's markup is already safe (form_field_html escapes every value).
    return mark_safe("\n".join(form_field_html(form[name]) for name in names))  # noqa: S308
