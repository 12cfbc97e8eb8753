"""Forms of the case-conference and data-subject-rights pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation
from victory.core.forms import AccessibleFormMixin

# Rows of the shared action plan offered at once; recording the minutes again adds more.
ACTION_ROWS = 5


class VersionField(forms.IntegerField):
    """The version the page was read at (concurrency.version_claim)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=1, widget=forms.HiddenInput, **kwargs)


class AnyOrganisationField(forms.TypedMultipleChoiceField):
    """Offers the organisations that may be invited, but lets any number through: the
    service refuses an organisation that may not be invited, naming it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit()


class ConferenceForm(AccessibleFormMixin, forms.Form):
    # First: the person's wishes are recorded before anything else is decided.
    victim_wishes = forms.CharField(
        label=_("What the person harmed wishes"),
        help_text=_("In their words, asked before the conference: what they want, and what they do not want."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down what the person harmed wishes, in their words.")},
    )
    scheduled_for = forms.DateTimeField(
        label=_("When"),
        help_text=_("Date and time, for example 2026-05-03 14:00."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Give the date and time of the conference."),
            "invalid": _("Give the date and time as 2026-05-03 14:00."),
        },
    )
    organisations = AnyOrganisationField(
        label=_("Organisations invited"),
        help_text=_("Only organisations that accepted a referral for this case can take part."),
        error_messages={"required": _("Choose at least one organisation that accepted a referral for this case.")},
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = VersionField()

    def __init__(self, *args: Any, invitable: Sequence[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(org.pk, org.name) for org in invitable]


class MinutesForm(AccessibleFormMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        help_text=_("What was discussed and agreed. Every invited organisation reads them."),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the minutes: what was discussed and agreed.")},
    )
    version = VersionField()

    def __init__(self, *args: Any, owners: Sequence[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {org.pk: org for org in owners}
        choices = [("", _("Choose who does it")), *((org.pk, org.name) for org in owners)]
        for row in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{row}_description"] = forms.CharField(
                label=_("Action %(number)s: what is to be done") % {"number": row}, required=False
            )
            self.fields[f"action_{row}_owner"] = forms.ChoiceField(
                label=_("Action %(number)s: who does it") % {"number": row}, required=False, choices=choices
            )
            self.fields[f"action_{row}_due_on"] = forms.DateField(
                label=_("Action %(number)s: due on") % {"number": row},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": _("Give the date as 2026-05-03.")},
            )

    def action_rows(self) -> list[dict[str, Any]]:
        """The rows for the template: each row's three bound fields."""
        return [
            {
                "number": row,
                "description": self[f"action_{row}_description"],
                "owner": self[f"action_{row}_owner"],
                "due_on": self[f"action_{row}_due_on"],
            }
            for row in range(1, ACTION_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drafts = []
        for row in range(1, ACTION_ROWS + 1):
            description = (data.get(f"action_{row}_description") or "").strip()
            owner_id = data.get(f"action_{row}_owner") or ""
            due_on = data.get(f"action_{row}_due_on")
            if not (description or owner_id or due_on):
                continue
            owner = self.owners.get(int(owner_id)) if str(owner_id).isdigit() else None
            if owner is None:
                self.add_error(f"action_{row}_owner", _("Choose who does this action."))
                continue
            drafts.append({"owner": owner, "description": description, "due_on": due_on})
        data["actions"] = drafts
        return data


class TellPersonForm(AccessibleFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("What was agreed for the person"),
        help_text=_(
            "Plain words they understand; they read it in their inbox. Leave out other organisations' details."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what was agreed for the person, in plain words.")},
    )
    version = VersionField()


class VersionOnlyForm(forms.Form):
    version = VersionField()


class EraseForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the data is erased"),
        help_text=_("For example: the person asked on 3 May, by phone."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the data is erased, for example: the person asked on 3 May.")},
    )


class LegalHoldForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why the data must be kept"),
        help_text=_("For example: court order of 3 May, or criminal proceedings are open."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lift = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = VersionField()
