"""Forms of the receiving organisation's pages: the list filter, a reply, the status."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from victory.core.forms import AccessibleFormMixin

from .models import ReportStatus


class StatusFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Show reports"),
        required=False,
        choices=[("", _("All statuses")), *ReportStatus.choices],
    )


class StaffReplyForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Reply to the person who reported"),
        strip=False,
        help_text=_("They read it in their inbox with their receipt. Use plain words."),
        error_messages={"required": _("Write your reply.")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():  # kept as typed otherwise: not stripped
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body


class StaffStatusForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ReportStatus.choices,
        error_messages={"required": _("Choose a status."), "invalid_choice": _("Choose one of the listed statuses.")},
    )
    referred_to = forms.CharField(
        label=_("Referred to"),
        required=False,
        max_length=300,
        help_text=_("Only when the report was referred: the organisation's name. The person who reported sees it."),
    )
