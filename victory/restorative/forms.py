"""Forms of the restorative programme's professional pages: one per action, each parsed
here and handed to one service, which decides (and refuses, naming why)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation, User
from victory.core.forms import AccessibleFormMixin, PlainSelect

from .models import (
    CloseReason,
    ConsentMethod,
    DialogueFormat,
    ItemKind,
    ItemOutcome,
    Participant,
    ParticipantRole,
    RiskFactor,
    RiskLevel,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Give the date as 2026-05-03.")}


def _person(user: User) -> str:
    return user.full_name or user.email


def _participant_label(participant: Participant) -> str:
    return f"{participant.full_name} ({ParticipantRole(participant.role).label})"


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class VersionField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=1, widget=forms.HiddenInput, **kwargs)


class ParticipantField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "error_messages", {"required": _("Choose a participant."), "invalid_choice": _("Choose a participant.")}
        )
        super().__init__(coerce=int, **kwargs)


class _ProcessForm(AccessibleFormMixin, forms.Form):
    """A form of the process page: it knows the process's participants and staff."""

    participant_fields: tuple[str, ...] = ()

    def __init__(
        self,
        *args: Any,
        participants: Sequence[Participant] = (),
        facilitators: Sequence[User] = (),
        staff: Sequence[User] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {p.pk: p for p in participants}
        active = [p for p in participants if p.withdrawn_at is None]
        for name in self.participant_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            blank = [("", _("Choose a participant"))] if not isinstance(field, forms.MultipleChoiceField) else []
            field.choices = [*blank, *((p.pk, _participant_label(p)) for p in active)]
        self.users = {u.pk: u for u in [*facilitators, *staff]}
        for name in ("facilitator", "co_facilitator"):
            if name in self.fields:
                chosen = self.fields[name]
                assert isinstance(chosen, forms.ChoiceField)
                empty = _("Choose a facilitator") if name == "facilitator" else _("No co-facilitator")
                chosen.choices = [("", empty), *((u.pk, _person(u)) for u in facilitators)]
        if "linked_staff" in self.fields:
            linked = self.fields["linked_staff"]
            assert isinstance(linked, forms.MultipleChoiceField)
            linked.choices = [(u.pk, _person(u)) for u in staff]

    def chosen(self, name: str = "participant") -> Participant | None:
        value = self.cleaned_data.get(name)
        return self.by_pk.get(value) if value else None

    def chosen_participants(self, name: str) -> list[Participant]:
        return [self.by_pk[int(pk)] for pk in self.cleaned_data.get(name) or [] if int(pk) in self.by_pk]

    def user(self, name: str) -> User | None:
        value = self.cleaned_data.get(name)
        return self.users.get(int(value)) if value else None


class AcceptForm(_ProcessForm):
    facilitator = forms.TypedChoiceField(
        label=_("Facilitator"),
        coerce=int,
        help_text=_("Impartial: not the person's caseworker, nobody who referred the case or knows a party."),
        error_messages={"required": _("Choose the facilitator."), "invalid_choice": _("Choose the facilitator.")},
    )
    co_facilitator = forms.TypedChoiceField(
        label=_("Co-facilitator"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Needed when the risk is high."),
    )
    version = VersionField()


class AssignForm(AcceptForm):
    pass


class DeclineForm(_ProcessForm):
    reason = forms.CharField(
        label=_("Why the referral is declined"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the referral is declined.")},
    )
    version = VersionField()


class ParticipantAddForm(_ProcessForm):
    participant_fields = ("supports",)

    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    full_name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Write the person's name.")}
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=language_choices, help_text=_("The language they read and speak.")
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_minor = forms.BooleanField(label=_("A child (under 18)"), required=False)
    supports = ParticipantField(
        label=_("Stands beside"),
        required=False,
        empty_value=None,
        help_text=_("For a supporter, or a parent or guardian."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    linked_staff = forms.TypedMultipleChoiceField(
        label=_("Staff they know personally"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None of them may facilitate this process."),
    )

    def contact(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("email", "phone") if self.cleaned_data.get(k)}


class ParticipantActionForm(_ProcessForm):
    participant_fields: tuple[str, ...] = ("participant",)
    participant = ParticipantField(label=_("Participant"))


class CircumstancesForm(ParticipantActionForm):
    note = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the facilitators' confidential notes."),
    )


class AssessmentForm(_ProcessForm):
    risk_level = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices)
    risk_factors = forms.MultipleChoiceField(
        label=_("Risk factors"), choices=RiskFactor.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    suitable = forms.TypedChoiceField(
        label=_("Suitable for a restorative process?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the process is suitable.")},
    )
    reasoning = forms.CharField(
        label=_("Reasoning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person harmed's interest and safety, as you found them."),
        error_messages={"required": _("Write your reasoning: the person harmed's interest and safety.")},
    )


class InformationForm(ParticipantActionForm):
    language = forms.ChoiceField(label=_("Language of the sheet given"), choices=language_choices)


class ConsentForm(ParticipantActionForm):
    participant_fields = ("participant", "guardian")
    method = forms.ChoiceField(label=_("How the consent was written"), choices=ConsentMethod.choices)
    guardian = ParticipantField(
        label=_("Parent or guardian who consented too"),
        required=False,
        empty_value=None,
        help_text=_("For a child only."),
    )


class AcknowledgementForm(ParticipantActionForm):
    statement = forms.CharField(
        label=_("What they acknowledged"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Confidential: only the facilitators read it."),
        error_messages={"required": _("Write what the person acknowledged, in their words.")},
    )


class PreparationForm(ParticipantActionForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    notes = forms.CharField(
        label=_("Preparation notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Confidential: only the facilitators read them."),
    )


class FormatForm(_ProcessForm):
    dialogue_format = forms.ChoiceField(label=_("Dialogue format"), choices=DialogueFormat.choices)
    version = VersionField()


class VersionOnlyForm(_ProcessForm):
    version = VersionField()


class SessionForm(_ProcessForm):
    participant_fields = ("participants",)

    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    starts = forms.TimeField(
        label=_("Starts at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Give the time as 14:00.")},
    )
    ends = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Give the time as 16:00.")},
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), widget=PlainSelect, initial="Europe/Brussels")
    remote = forms.BooleanField(label=_("Remote (online)"), required=False)
    place = forms.CharField(
        label=_("Place or link"),
        max_length=500,
        error_messages={"required": _("Say where the session is held, or give its link.")},
    )
    interpreter_language = forms.ChoiceField(label=_("Interpreter for"), required=False)
    participants = forms.TypedMultipleChoiceField(
        label=_("Who is invited"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Invite at least one participant.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = self.fields["time_zone"]
        assert isinstance(zones, forms.ChoiceField)
        zones.choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
        interpreter = self.fields["interpreter_language"]
        assert isinstance(interpreter, forms.ChoiceField)
        interpreter.choices = [("", _("No interpreter")), *language_choices()]

    def times(self) -> tuple[datetime, datetime]:
        zone = zoneinfo.ZoneInfo(self.cleaned_data["time_zone"])
        day = self.cleaned_data["day"]
        starts = datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone)
        ends = datetime.combine(day, self.cleaned_data["ends"], tzinfo=zone)
        return starts, ends


class SessionHeldForm(_ProcessForm):
    participant_fields = ("attended",)
    attended = forms.TypedMultipleChoiceField(
        label=_("Who attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )


class ItemForm(_ProcessForm):
    participant_fields = ("owner",)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    description = forms.CharField(
        label=_("What is agreed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what is agreed.")},
    )
    owner = ParticipantField(label=_("Who does it"))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS)
    amount = forms.DecimalField(
        label=_("Amount (for restitution)"), required=False, min_value=0, decimal_places=2, max_digits=10
    )

    def amount_cents(self) -> int | None:
        amount = self.cleaned_data.get("amount")
        return int(amount * 100) if amount else None


class ConfirmForm(_ProcessForm):
    role = forms.ChoiceField(
        label=_("Which party confirms"),
        choices=[(r.value, r.label) for r in (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM)],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the party who confirms.")},
    )


class FollowUpForm(_ProcessForm):
    item = forms.TypedChoiceField(label=_("Agreement item"), coerce=int)
    outcome = forms.ChoiceField(label=_("Follow-up"), choices=ItemOutcome.choices)
    payment = forms.DecimalField(
        label=_("Payment received (for restitution)"), required=False, min_value=0, decimal_places=2, max_digits=10
    )

    def __init__(self, *args: Any, items: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {i.pk: i for i in items}
        field = self.fields["item"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose an item")), *((i.pk, i.description[:80]) for i in items)]


class CloseForm(_ProcessForm):
    reason = forms.ChoiceField(label=_("How the process ended"), choices=CloseReason.choices)
    version = VersionField()


class NoteForm(_ProcessForm):
    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Confidential: only the facilitators of this process read it."),
        error_messages={"required": _("Write the note.")},
    )


class ReviewForm(_ProcessForm):
    notes = forms.CharField(label=_("Review notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReferForm(AccessibleFormMixin, forms.Form):
    referrer = forms.TypedChoiceField(label=_("Referred by"), coerce=int)
    service = forms.TypedChoiceField(
        label=_("Restorative-justice service"),
        coerce=int,
        error_messages={"required": _("Choose a restorative-justice service.")},
    )
    note = forms.CharField(
        label=_("Why it is referred"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Say why the case is referred.")},
    )
    victim_interest = forms.CharField(
        label=_("The person harmed's interest, as they told you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, referrers: Sequence[Organisation] = (), services: Sequence[Organisation] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.referrers = {o.pk: o for o in referrers}
        self.services = {o.pk: o for o in services}
        for name, orgs in (("referrer", referrers), ("service", services)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(o.pk, o.name) for o in orgs]
