"""Forms of the reporter's inbox: the receipt login, a message with files, a consent.

They only parse what was sent; the services decide (a wrong receipt, a refused file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from victory.core.forms import AccessibleFormMixin

from .models import ConsentPurpose

# Far more than a receipt with spaces or dashes; anything longer is not one.
RECEIPT_INPUT_MAX_CHARS = 64


class ReceiptLoginForm(AccessibleFormMixin, forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        max_length=RECEIPT_INPUT_MAX_CHARS,
        help_text=_("The 24 digits you were given when you sent your report. Spaces do not matter."),
        error_messages={
            "required": _("Enter the receipt you were given when you sent your report."),
            "max_length": _("A receipt has 24 digits. Check you copied all of them."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "input--receipt",
            }
        ),
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the view hands ``request.FILES.getlist`` to the service,
    which checks each one by its content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Visually hidden; a label styled as a button stands in for the browser's own
        # (includes/file_field.html), so the button speaks the page's language.
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/*,application/pdf,audio/*,video/*", "class": "file-input__input"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)] if data else []


class ReporterMessageForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        # Not required here: a file alone is a valid way to add information later
        # (the service asks for a message or a file).
        required=False,
        help_text=_("Ask a question, or add anything you remember about what happened."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here, not as a class attribute, which would shadow ``Form.files``; the
        # input keeps the name "files" the view reads with ``request.FILES.getlist``.
        self.fields["files"] = MultipleFileField(
            label=_("Add files (optional)"),
            required=False,
            help_text=_("Photos, PDF documents, sound or video. You can choose several files."),
        )


class ConsentForm(forms.Form):
    """Hidden fields of one consent's button: which purpose, give (1) or withdraw (0),
    and for a sharing consent the answer of its confirmation page."""

    purpose = forms.ChoiceField(choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
    # The answer of the confirmation page for a sharing consent; absent on the first press.
    confirmed = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")], required=False)
