"""Forms of the case pages: the list's filters, opening a case directly, the incident's
fields, status, closing, a supervisor's decision, assignment and the reply. Every form
that changes a case carries the version it was read at (``version``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from victory.core.forms import (
    AccessibleFormMixin,
    PlainCheckboxInput,
    PlainDateInput,
    PlainNumberInput,
    PlainSelect,
    PlainTextInput,
)
from victory.core.vocabulary import BiasMotivation, IncidentType, country_choices

from .models import CaseStatus, CloseReason, IntakeChannel, RiskLevel
from .selectors.case import SORTS, CaseFilters
from .services.case import IncidentFields

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The list's filter form is written by Python widgets (victory.core.forms: the same
# markup), since it is on every page of the case list.
PLAIN_DATE_WIDGET = PlainDateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


class CaseFilterForm(AccessibleFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=20,
        help_text=_("A case's reference (CA-…) or its report's (VT-…)."),
        widget=PlainTextInput,
    )
    status = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Any open status")), *CaseStatus.choices],
        error_messages={"invalid_choice": _("Choose one of the listed statuses.")},
    )
    assignee = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Assigned to"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed people.")},
    )
    bias_motivation = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Bias motivation"),
        required=False,
        choices=[("", _("Any")), *BiasMotivation.choices],
        error_messages={"invalid_choice": _("Choose one of the listed bias motivations.")},
    )
    incident_type = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Kind of incident"),
        required=False,
        choices=[("", _("Any")), *IncidentType.choices],
        error_messages={"invalid_choice": _("Choose one of the listed kinds of incident.")},
    )
    language = forms.ChoiceField(
        widget=PlainSelect,
        label=_("The person's language"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed languages.")},
    )
    risk = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Risk"),
        required=False,
        choices=[("", _("Any")), *RiskLevel.choices],
        error_messages={"invalid_choice": _("Choose one of the listed risk levels.")},
    )
    task_due = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Tasks"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("A task is overdue")), ("week", _("A task is due within 7 days"))],
        error_messages={"invalid_choice": _("Choose one of the listed choices.")},
    )
    unread = forms.BooleanField(
        label=_("Only cases with unread messages from the person"), required=False, widget=PlainCheckboxInput
    )
    awaiting_days = forms.IntegerField(
        label=_("Waiting for our answer for at least (days)"),
        required=False,
        widget=PlainNumberInput,
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": _("Enter a whole number of days, such as 3."),
            "min_value": _("Enter a number of days of 1 or more."),
            "max_value": _("Enter a number of days of 3650 or fewer."),
        },
    )
    opened_from = forms.DateField(
        label=_("Opened on or after"),
        required=False,
        widget=PLAIN_DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, such as 2026-03-31.")},
    )
    opened_to = forms.DateField(
        label=_("Opened on or before"),
        required=False,
        widget=PLAIN_DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, such as 2026-03-31.")},
    )
    sort = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Order"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("task_due", _("Next task due first")),
            ("risk", _("Highest risk first")),
        ],
        error_messages={"invalid_choice": _("Choose one of the listed orders.")},
    )

    def __init__(self, *args: Any, assignees: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", _("Anyone")), ("me", _("Me")), ("unassigned", _("Nobody (intake)")), *assignees]
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Any")), *_language_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and start > end:
            self.add_error("opened_to", _("This date is before “Opened on or after”: swap them or change one."))
        return data

    def filters(self) -> CaseFilters:
        data = self.cleaned_data
        return CaseFilters(
            status=data.get("status") or "",
            bias_motivation=data.get("bias_motivation") or "",
            incident_type=data.get("incident_type") or "",
            language=data.get("language") or "",
            assignee=data.get("assignee") or "",
            risk=data.get("risk") or "",
            unread=bool(data.get("unread")),
            awaiting_days=data.get("awaiting_days"),
            task_due=data.get("task_due") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            reference=(data.get("reference") or "").strip(),
        )

    def sort_value(self) -> str:
        value = self.cleaned_data.get("sort") or "newest"
        return value if value in SORTS else "newest"


class IncidentForm(AccessibleFormMixin, forms.Form):
    """The incident's fields, for opening a case directly and for editing one."""

    summary = forms.CharField(
        label=_("What happened"),
        required=False,
        strip=False,
        help_text=_(
            "In the person's words as far as you can. Encrypted; never shown to another organisation unless shared."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    occurred_on = forms.DateField(
        label=_("Date of the incident"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, such as 2026-03-31, or leave it empty.")},
    )
    location = forms.CharField(label=_("Region or town"), required=False, max_length=300)
    online = forms.BooleanField(label=_("It happened online"), required=False)
    bias_motivations = forms.MultipleChoiceField(
        label=_("Bias motivations"),
        required=False,
        choices=BiasMotivation.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the listed bias motivations.")},
    )
    incident_types = forms.MultipleChoiceField(
        label=_("Kinds of incident"),
        required=False,
        choices=IncidentType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the listed kinds of incident.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Not known")), *country_choices()]

    def incident(self) -> IncidentFields:
        data = self.cleaned_data
        occurred: date | None = data.get("occurred_on")
        return IncidentFields(
            summary=data.get("summary") or "",
            country=data.get("country") or "",
            bias_motivations=list(data.get("bias_motivations") or []),
            incident_types=list(data.get("incident_types") or []),
            online=bool(data.get("online")),
            occurred_on=occurred,
            location=data.get("location") or "",
        )


class OpenDirectForm(IncidentForm):
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        error_messages={
            "invalid_choice": _("Choose one of your organisations."),
            "required": _("Choose an organisation."),
        },
    )
    channel = forms.ChoiceField(
        label=_("How the person came to you"),
        choices=[(code, label) for code, label in IntakeChannel.choices if code in ("phone", "walk_in", "third_party")],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the person came to you."),
            "invalid_choice": _("Choose how the person came to you."),
        },
    )
    language = forms.ChoiceField(
        label=_("The language the person reads and speaks"),
        error_messages={
            "required": _("Choose the person's language."),
            "invalid_choice": _("Choose the person's language from the list."),
        },
    )
    field_order = ["organisation", "channel", "language", "summary"]

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.TypedChoiceField)
        organisation.choices = organisations
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Choose a language")), *_language_choices()]
        self.fields["summary"].required = True
        self.fields["summary"].error_messages["required"] = _(
            "Write in a few words what happened, as the person told it."
        )


class VersionedForm(AccessibleFormMixin, forms.Form):
    """A form on the case page: with the version it was read at, and ids of its own
    (the page holds several forms, and each area's, so ``id_version`` would repeat)."""

    id_prefix = "case"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class CaseEditForm(VersionedForm, IncidentForm):
    id_prefix = "edit"


class StatusForm(VersionedForm):
    id_prefix = "status"
    status = forms.ChoiceField(
        label=_("Move the case to"),
        error_messages={
            "required": _("Choose where the case goes next."),
            "invalid_choice": _("Choose one of the listed statuses."),
        },
    )

    def __init__(self, *args: Any, moves: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        # Every status is accepted here; the service refuses an out-of-order move with
        # a sentence naming where the case can go.
        status.choices = moves + [(code, label) for code, label in CaseStatus.choices if code not in dict(moves)]
        status.widget.choices = moves


class CloseForm(VersionedForm):
    id_prefix = "close"
    reason = forms.ChoiceField(
        label=_("Why the case is closed"),
        choices=[("", _("Choose a reason")), *CloseReason.choices],
        error_messages={
            "required": _("Choose why the case is closed."),
            "invalid_choice": _("Choose why the case is closed."),
        },
    )


class CloseDecisionForm(VersionedForm):
    id_prefix = "decision"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve: close the case")), ("refuse", _("Do not approve: the case stays open"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve."), "invalid_choice": _("Choose whether to approve.")},
    )


class AssignForm(VersionedForm):
    id_prefix = "assign"
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the listed colleagues.")},
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", _("Nobody: back to the intake")), *people]


class CaseReplyForm(VersionedForm):
    id_prefix = "reply"
    body = forms.CharField(
        label=_("Message to the person"),
        strip=False,
        help_text=_("They read it in their inbox, in the language of their report. Use plain words."),
        error_messages={"required": _("Write your message.")},
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body
