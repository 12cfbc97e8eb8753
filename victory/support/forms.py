"""The admin's upload form for importing the directory from a CSV or JSON file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .importing import detect_format

# A directory of many thousand services fits well under this; the web server's own
# request cap (docs/deployment.md) is a little higher.
IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ServiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV or JSON file in UTF-8, as described in docs/directory-import.md."),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("From the file name (.csv or .json)")), ("csv", "CSV"), ("json", "JSON")],
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file"),
        help_text=_("Report what would change, and import nothing."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > IMPORT_MAX_BYTES:
            self.add_error(
                "file",
                _("The file is too large: at most %(size)s. Split it, or use manage.py import_services.")
                % {"size": filesizeformat(IMPORT_MAX_BYTES)},
            )
        file_format = cleaned.get("file_format") or detect_format(upload.name or "")
        if file_format is None:
            self.add_error("file_format", _("Choose CSV or JSON: the file name does not end in .csv or .json."))
        cleaned["file_format"] = file_format
        return cleaned
