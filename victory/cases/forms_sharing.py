"""Forms of the consent and referral pages. They parse; the services decide (and their
refusals come back on the form with ``form_errors_add``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation
from victory.core.forms import AccessibleFormMixin

from .models import CaseSection, ConsentGiver, ConsentMethod, ConsentPurpose, ReferralPurpose

CHOOSE = _("Choose one of the listed answers.")


def _sections_field(label: Any, help_text: Any, required_message: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=CaseSection.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": required_message, "invalid_choice": CHOOSE},
    )


class _RecipientMixin(forms.Form):
    def __init__(self, *args: Any, recipients: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = recipients


class ConsentRecordForm(AccessibleFormMixin, _RecipientMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("What are you recording?"),
        choices=[
            ("given", _("The person gave this consent (in person, by phone or in writing)")),
            ("requested", _("Ask the person: they answer in their inbox, or you record their answer later")),
        ],
        initial="given",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the consent was given or is to be asked for.")},
    )
    purpose = forms.ChoiceField(
        label=_("What is it for?"),
        choices=ConsentPurpose.choices,
        error_messages={"required": _("Choose what the consent is for."), "invalid_choice": CHOOSE},
    )
    data_categories = _sections_field(
        _("Which parts of the case does it cover?"),
        _("Only what the person agreed to. The needs assessment only if they agreed to share it too."),
        _("Choose at least one part of the case the consent covers."),
    )
    recipient = forms.ModelChoiceField(
        label=_("With which organisation?"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No organisation (contact or statistics)"),
        help_text=_("Needed for sharing with an organisation, the police or a restorative process."),
        error_messages={"invalid_choice": CHOOSE},
    )
    given_by = forms.ChoiceField(
        label=_("Who gave it?"),
        choices=ConsentGiver.choices,
        initial=ConsentGiver.PERSON,
        error_messages={"required": _("Say who gave the consent."), "invalid_choice": CHOOSE},
    )
    method = forms.ChoiceField(
        label=_("How was it given?"),
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.INBOX],
        initial=ConsentMethod.IN_PERSON,
        error_messages={"required": _("Say how the consent was given."), "invalid_choice": CHOOSE},
    )
    valid_until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        help_text=_("For example 2027-06-30. Leave it empty if the person set no end."),
        error_messages={"invalid": _("Give the date as YYYY-MM-DD, for example 2027-06-30.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example where the signed form is kept."),
    )


class ConsentAnswerForm(AccessibleFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("What did the person answer?"),
        choices=[("given", _("They agreed")), ("refused", _("They did not agree"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say what the person answered.")},
    )
    given_by = forms.ChoiceField(label=_("Who answered?"), choices=ConsentGiver.choices, initial=ConsentGiver.PERSON)
    method = forms.ChoiceField(
        label=_("How did they answer?"),
        choices=[c for c in ConsentMethod.choices if c[0] != ConsentMethod.INBOX],
        initial=ConsentMethod.PHONE,
    )


class ReasonForm(AccessibleFormMixin, forms.Form):
    """Withdrawing on the person's word, revoking: one optional or required reason."""

    reason = forms.CharField(
        label=_("Why?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, in a few words.")},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, required: bool = True, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if label is not None:
            self.fields["reason"].label = label


class ReferralForm(AccessibleFormMixin, _RecipientMixin, forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation to refer to."),
            "invalid_choice": _("Choose an organisation that is active on the platform."),
        },
    )
    purpose = forms.ChoiceField(
        label=_("For what?"),
        choices=ReferralPurpose.choices,
        error_messages={"required": _("Choose what the referral is for."), "invalid_choice": CHOOSE},
    )
    sections = _sections_field(
        _("What to share"),
        _(
            "Only what the organisation needs. The needs assessment is left out unless you choose it, "
            "and only if the person agreed to share it."
        ),
        _("Choose at least one part of the case to share."),
    )
    message = forms.CharField(
        label=_("Message to the organisation (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you ask of them. They read it with what you share."),
    )


class VitalInterestForm(ReferralForm):
    reason = forms.CharField(
        label=_("Why is a life at imminent risk?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required. Another supervisor reviews this sharing, and the person is told in their inbox."),
        error_messages={
            "required": _("Say why a life is at imminent risk: this is required to share without consent.")
        },
    )


class VersionForm(AccessibleFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeclineForm(VersionForm):
    reason = forms.CharField(
        label=_("Why do you decline it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation that sent it reads this."),
        error_messages={"required": _("Say why, in a few words: the organisation that sent it reads it.")},
    )


class CompleteForm(VersionForm):
    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation that sent it reads this."),
    )


class ReceivedFilterForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Show referrals"),
        required=False,
        choices=[("", _("All statuses"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import ReferralStatus

        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("", _("All statuses")), *ReferralStatus.choices]


class ConsentReplaceForm(AccessibleFormMixin, forms.Form):
    """New terms for a given consent (same purpose and recipient): a new record."""

    data_categories = ConsentRecordForm.base_fields["data_categories"]
    given_by = ConsentRecordForm.base_fields["given_by"]
    method = ConsentRecordForm.base_fields["method"]
    valid_until = ConsentRecordForm.base_fields["valid_until"]
    note = ConsentRecordForm.base_fields["note"]
