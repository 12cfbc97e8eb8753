"""Forms of a case's working parts: a linked person, a task, a note, a risk flag; and
the organisation's reply templates. Each case form carries the case's ``version`` as
the page showed it, so a change made meanwhile by someone else is refused, not lost."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import User
from victory.core.forms import AccessibleFormMixin

from .models import CasePerson, PersonRole, RiskKind, RiskLevel

_SHORTER = _("Shorten this to %(limit_value)s characters or fewer.")


class CaseVersionForm(AccessibleFormMixin, forms.Form):
    """The case's version when the form was shown (a hidden field)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def expected_version(self) -> int | None:
        version: int | None = self.cleaned_data.get("version")
        return version


class _PersonChoice(forms.ModelChoiceField[CasePerson]):
    def label_from_instance(self, obj: CasePerson) -> str:
        role = PersonRole(obj.role).label
        return f"{obj.full_name} ({role})" if obj.full_name else str(role)


CHILD_CHOICES = [("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))]


class PersonForm(CaseVersionForm):
    role = forms.ChoiceField(
        label=_("Role in the case"),
        choices=[("", _("Choose a role")), *PersonRole.choices],
        error_messages={
            "required": _("Choose the person's role in the case."),
            "invalid_choice": _("Choose the person's role in the case from the list."),
        },
    )
    full_name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=300,
        help_text=_("As the person wants to be called. Leave it empty if it is not known."),
        error_messages={"max_length": _SHORTER},
    )
    email = forms.CharField(
        label=_("E-mail address"), required=False, max_length=300, error_messages={"max_length": _SHORTER}
    )
    phone = forms.CharField(
        label=_("Phone number"), required=False, max_length=300, error_messages={"max_length": _SHORTER}
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _SHORTER},
    )
    safe_times = forms.CharField(
        label=_("When and how it is safe to contact them"),
        required=False,
        max_length=1000,
        help_text=_("For example: weekdays after 6 pm, never leave a voicemail."),
        error_messages={"max_length": _SHORTER},
    )
    language = forms.CharField(
        label=_("Language they speak"),
        required=False,
        max_length=10,
        help_text=_("A short code, such as pt, ar or uk."),
        error_messages={"max_length": _SHORTER},
    )
    is_child = forms.ChoiceField(label=_("A child (under 18)?"), choices=CHILD_CHOICES, required=False)
    related_to = _PersonChoice(
        label=_("Stands beside"),
        queryset=CasePerson.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("For a guardian or a supporter: the person they are there for."),
        error_messages={"invalid_choice": _("Choose another person linked to this case, or nobody.")},
    )
    notes = forms.CharField(
        label=_("About this person"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Internal: never shown to the person who reported."),
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            field = self.fields["related_to"]
            assert isinstance(field, _PersonChoice)
            field.queryset = people

    def is_child_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("is_child") or "")

    def person_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "address": data["address"],
            "safe_times": data["safe_times"],
            "notes": data["notes"],
            "language": data["language"],
            "is_child": self.is_child_value(),
            "related_to": data["related_to"],
        }

    @staticmethod
    def initial_of(person: CasePerson, *, version: int) -> dict[str, Any]:
        contact = person.contact or {}
        return {
            "version": version,
            "role": person.role,
            "full_name": person.full_name,
            "email": contact.get("email", ""),
            "phone": contact.get("phone", ""),
            "address": contact.get("address", ""),
            "safe_times": contact.get("safe_times", ""),
            "language": person.language,
            "is_child": {True: "yes", False: "no"}.get(person.is_child, "") if person.is_child is not None else "",
            "related_to": person.related_to_id,
            "notes": person.notes,
        }


class _UserChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name or obj.email


class TaskForm(CaseVersionForm):
    title = forms.CharField(
        label=_("Task"),
        max_length=500,
        error_messages={"required": _("Say what is to be done."), "max_length": _SHORTER},
    )
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. Tasks due within a week show in everyone's list of tasks due."),
        error_messages={"invalid": _("Enter a real date, for example 2027-03-31 (year, month, day).")},
    )
    assigned_to = _UserChoice(
        label=_("Who does it"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": _("Choose someone who works on this case, or nobody.")},
    )

    def __init__(self, *args: Any, assignees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if assignees is not None:
            field = self.fields["assigned_to"]
            assert isinstance(field, _UserChoice)
            field.queryset = assignees


class NoteForm(CaseVersionForm):
    body = forms.CharField(
        label=_("Internal note"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Never shown to the person who reported. Messages to them go in the reply form."),
        error_messages={"required": _("Write the note.")},
    )
    confidential = forms.BooleanField(
        label=_("Confidential: only I and the supervisors may read it"),
        required=False,
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body


class RiskRaiseForm(CaseVersionForm):
    kind = forms.ChoiceField(
        label=_("Risk"),
        choices=[("", _("Choose a risk")), *RiskKind.choices],
        error_messages={
            "required": _("Choose the kind of risk."),
            "invalid_choice": _("Choose the kind of risk from the list."),
        },
    )
    level = forms.ChoiceField(
        label=_("How high"),
        choices=[("", _("Choose a level")), *[(c, label) for c, label in RiskLevel.choices if c != RiskLevel.NONE]],
        error_messages={
            "required": _("Choose how high the risk is: low, medium or high."),
            "invalid_choice": _("Choose how high the risk is: low, medium or high."),
        },
    )
    reason = forms.CharField(
        label=_("Why"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you see this risk.")},
    )


class RiskClearForm(CaseVersionForm):
    reason = forms.CharField(
        label=_("Why it no longer applies"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why this risk no longer applies.")},
    )


class ReplyTemplateForm(AccessibleFormMixin, forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        choices=[],
        error_messages={
            "required": _("Choose the organisation."),
            "invalid_choice": _("Choose one of your organisations from the list."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Choose the language of the text from the list.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("Caseworkers choose the template by this title."),
        error_messages={"required": _("Give the template a short title."), "max_length": _SHORTER},
    )
    body = forms.CharField(
        label=_("Text"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain, kind words. The caseworker can change it before sending."),
        error_messages={"required": _("Write the text of the reply.")},
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(organisation.pk, organisation.name) for organisation in organisations]
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = choices
        if len(choices) == 1:
            field.initial = choices[0][0]
