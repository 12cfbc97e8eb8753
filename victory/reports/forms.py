"""The public report form ("intake"): one form per page, in the person's own words.

Each form's fields are named after ``services.ReportDraft`` where they can be, so an
error from ``report_submit`` leads straight back to the page and field to fix. Only
"what happened" is required; without a country the report goes to the platform-wide
intake organisation. Text is kept exactly as typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from victory.core.forms import AccessibleFormMixin
from victory.core.vocabulary import country_choices

from . import selectors
from .questions import QUESTION_BY_NAME, Kind, Question, YesNo, consent_choices, questions_on
from .services import SHORT_TEXT_MAX_CHARS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The consents in the reporter's words (the enum's labels are the inbox's, shorter).
CONSENT_CHOICES = consent_choices()
NARRATIVE_MISSING = _("Tell us what happened, in your own words. A few words are enough.")

ORGANISATION_AUTO = "auto"


def _length_check(limit: int) -> Any:
    """A server-side length check with a message that says how to fix it. No
    ``maxlength`` attribute: a browser would cut pasted text without a word."""

    def check(value: str) -> None:
        if len(value) > limit:
            count = len(value)
            has = ngettext("This answer has %(count)s character.", "This answer has %(count)s characters.", count) % {
                "count": count
            }
            shorter = ngettext(
                "Make it shorter than %(limit)s character.", "Make it shorter than %(limit)s characters.", limit
            ) % {"limit": limit}
            raise ValidationError(f"{has} {shorter}")

    return check


def _text(
    label: StrOrPromise, *, help_text: StrOrPromise = "", textarea: bool = False, attrs: Mapping[str, str]
) -> forms.CharField:
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": "5", "spellcheck": "true", **attrs})
        if textarea
        else forms.TextInput(attrs=dict(attrs))
    )
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,  # kept exactly as typed; the service strips where it should
        widget=widget,
        validators=[_length_check(SHORT_TEXT_MAX_CHARS)],
    )


def question_fields(question: Question) -> dict[str, forms.Field]:
    """The form field (a date: its three boxes) that asks ``question``."""
    kind = question.kind
    if kind is Kind.NARRATIVE:
        return {
            question.name: forms.CharField(
                label=question.label,
                help_text=question.help_text,
                strip=False,
                error_messages={"required": NARRATIVE_MISSING},
                widget=forms.Textarea(attrs={"rows": "12", "spellcheck": "true"}),
            )
        }
    if kind in {Kind.TEXT, Kind.LONG_TEXT}:
        text = _text(
            question.label, help_text=question.help_text, textarea=kind is Kind.LONG_TEXT, attrs=question.widget_attrs
        )
        return {question.name: text}
    if kind is Kind.DATE:
        day, month, year = question.date_fields()
        numeric = {"inputmode": "numeric"}
        return {
            day: forms.CharField(label=_("Day"), required=False, max_length=2, widget=forms.TextInput(attrs=numeric)),
            month: forms.CharField(
                label=_("Month"), required=False, max_length=2, widget=forms.TextInput(attrs=numeric)
            ),
            year: forms.CharField(label=_("Year"), required=False, max_length=4, widget=forms.TextInput(attrs=numeric)),
        }
    if kind is Kind.COUNTRY:
        return {
            question.name: forms.ChoiceField(
                label=question.label,
                help_text=question.help_text,
                choices=[("", _("I would rather not say, or it is not listed")), *country_choices()],
                required=False,
                error_messages={"invalid_choice": _("Choose a country from the list.")},
            )
        }
    if kind is Kind.CHECKBOX:
        return {question.name: forms.BooleanField(label=question.label, help_text=question.help_text, required=False)}
    choices = YesNo.choices if kind is Kind.YES_NO else question.choice_list()
    if kind is Kind.CHOICES:
        return {
            question.name: forms.MultipleChoiceField(
                label=question.label,
                help_text=question.help_text,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        }
    return {
        question.name: forms.ChoiceField(
            label=question.label,
            help_text=question.help_text,
            choices=choices,
            required=False,
            widget=forms.RadioSelect,
        )
    }


class IntakeForm(AccessibleFormMixin, forms.Form):
    """One page of the report form: the questions of ``step`` (``questions.py``), and
    any field a subclass declares. ``answers()`` is what goes into the session."""

    step: ClassVar[str] = ""
    _bound_fields_cache: dict[str, forms.BoundField]  # Django's own, private (django-stubs leaves it out)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked: dict[str, forms.Field] = {}
        for question in questions_on(self.step) if self.step else []:
            asked.update(question_fields(question))
        self.fields = {**asked, **self.fields}
        # Point at the hint from the first view too (the mixin does it only once the form
        # is cleaned; Django's own default points at an id our templates do not use).
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_hint"
        self._bound_fields_cache.clear()  # a subclass may still change its fields

    def questions(self) -> list[dict[str, Any]]:
        """The page's questions, in order, each with its bound field (a date: its boxes)
        and the partial that shows it (reports/intake/_questions.html)."""
        items = []
        for question in questions_on(self.step):
            if question.kind is Kind.DATE:
                day, month, year = (self[name] for name in question.date_fields())
                items.append({"question": question, "day": day, "month": month, "year": year})
            else:
                items.append({"question": question, "field": self[question.name]})
        return items

    def error_summary(self) -> list[dict[str, Any]]:
        # Radios and checkboxes: link to the first option, which can take the focus.
        items = super().error_summary()
        for item in items:
            name = item["target"].removeprefix("id_")
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                item["target"] = f"{item['target']}_0"
        return items

    def answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def add_error(self, field: str | None, error: Any) -> None:
        # Errors can come after cleaning (from a service): mark the field for screen readers too.
        super().add_error(field, error)
        if field in self.fields:
            widget = self.fields[field].widget
            widget.attrs["aria-invalid"] = "true"
            described_by = widget.attrs.get("aria-describedby", "").split()
            error_id = f"{self[field].auto_id}_error"
            if error_id not in described_by:
                widget.attrs["aria-describedby"] = " ".join([*described_by, error_id])


class WhoForm(IntakeForm):
    step = "who"


class WhatHappenedForm(IntakeForm):
    step = "what-happened"

    def clean_narrative(self) -> str:
        narrative: str = self.cleaned_data["narrative"]
        if not narrative.strip():
            raise ValidationError(NARRATIVE_MISSING)
        _length_check(settings.VICTORY_NARRATIVE_MAX_CHARS)(narrative)
        return narrative


DATE_PARTS = QUESTION_BY_NAME["occurred_on"].date_fields()
# The ids of the date's shared hint and error message in reports/intake/_questions.html.
DATE_HINT_ID = "occurred-on-hint"
DATE_ERROR_ID = "occurred-on-error"


class WhenForm(IntakeForm):
    step = "when"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._describe_date(invalid=False)

    def _describe_date(self, *, invalid: bool) -> None:
        """The three boxes share one hint and one error message (not one per box), and
        all three are marked invalid when the date is wrong."""
        for name in DATE_PARTS:
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = f"{DATE_HINT_ID} {DATE_ERROR_ID}" if invalid else DATE_HINT_ID
            if invalid:
                attrs["aria-invalid"] = "true"
            else:
                attrs.pop("aria-invalid", None)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_date(invalid=any(name in self.errors for name in DATE_PARTS))

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if field in DATE_PARTS:
            self._describe_date(invalid=True)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        parts = {name: (data.get(name) or "").strip() for name in DATE_PARTS}
        for name, value in parts.items():
            data[name] = value
        if not any(parts.values()):
            return data
        missing = [name for name, value in parts.items() if not value]
        if missing:
            self.add_error(
                missing[0],
                _("Enter the day, month and year, for example 27 3 2024. Or leave all three empty."),
            )
            return data
        day_box, month_box, year_box = DATE_PARTS
        try:
            day, month, year = (int(parts[name]) for name in DATE_PARTS)
            when = datetime.date(year, month, day)
        except ValueError:
            self.add_error(day_box, _("Enter a real date, for example 27 3 2024."))
            return data
        if year < 1900:
            self.add_error(year_box, _("Enter the year with 4 digits, for example 2024."))
        elif when > timezone.localdate():
            self.add_error(day_box, _("The date cannot be in the future. Enter today's date or an earlier one."))
        return data


def occurred_on(answers: dict[str, Any]) -> datetime.date | None:
    """The exact date from the three boxes, when all three hold a real date."""
    value: datetime.date | None = QUESTION_BY_NAME["occurred_on"].draft_value(answers)
    return value


class WhereForm(IntakeForm):
    step = "where"


class WhyForm(IntakeForm):
    step = "why"


class WhatKindForm(IntakeForm):
    step = "what-kind"


class PoliceForm(IntakeForm):
    step = "police"


class SupportForm(IntakeForm):
    step = "support"


class ContactForm(IntakeForm):
    step = "contact"

    consents = forms.MultipleChoiceField(
        label=_("What do you agree to?"),
        help_text=_("Tick only what you agree to. You can change your mind later in your inbox."),
        choices=CONSENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        email = (data.get("contact_email") or "").strip()
        if email:
            try:
                forms.EmailField().clean(email)
            except ValidationError:
                self.add_error("contact_email", _("Enter an e-mail address like name@example.org, or leave it empty."))
        phone = data.get("contact_phone") or ""
        if phone.strip() and not any(ch.isdigit() for ch in phone):
            self.add_error("contact_phone", _("Enter a phone number with digits, or leave it empty."))
        elif len(phone) > 40:
            self.add_error("contact_phone", _("This phone number is too long. Enter it with 40 characters or fewer."))
        if data.get("email_updates") and not email:
            self.add_error(
                "email_updates",
                _("To get an e-mail when there is a new message, enter your e-mail address, or untick this box."),
            )
        return data


class DescribedRadioSelect(forms.RadioSelect):
    """Radios whose every option points at its own hint (``<id>_about``), GOV.UK's item
    hint: a screen reader hears where the organisation works after its name."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_about"
        return option


class OrganisationForm(IntakeForm):
    organisation = forms.ChoiceField(
        label=_("Which organisation should receive your report?"),
        choices=(),
        initial=ORGANISATION_AUTO,
        required=False,
        widget=DescribedRadioSelect,
        error_messages={"invalid_choice": _("Choose one of the organisations listed, or let VicTory choose for you.")},
    )

    def __init__(self, *args: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        self.organisations = list(selectors.organisation_list_accepting_reports(country=country)) if country else []
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (ORGANISATION_AUTO, _("Let VicTory choose for me")),
            *((str(org.pk), org.name) for org in self.organisations),
        ]

    def options(self, default: Any) -> list[dict[str, Any]]:
        """Each radio with what the page says about its organisation: for "Let VicTory
        choose", the one it would choose now (``default``, or None)."""
        profiles = {
            str(org.pk): selectors.organisation_profile(organisation=org, country=self.country)
            for org in self.organisations
        }
        if default is not None:
            profiles[ORGANISATION_AUTO] = selectors.organisation_profile(organisation=default, country=self.country)
        return [{"radio": radio, "profile": profiles.get(str(radio.data["value"]))} for radio in self["organisation"]]

    def clean_organisation(self) -> str:
        return self.cleaned_data.get("organisation") or ORGANISATION_AUTO


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked by ``services.evidence_add``."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [upload for upload in files if upload]


class EvidenceForm(IntakeForm):
    evidence = MultipleFileField(
        label=_("Add photos, screenshots, documents, sound or video (optional)"),
        required=False,
        # Visually hidden; a label styled as a button stands in for the browser's own (files.html).
        widget=MultipleFileInput(
            attrs={"accept": "image/*,application/pdf,audio/*,video/*", "class": "file-input__input"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        count = settings.VICTORY_EVIDENCE_MAX_FILES
        size = settings.VICTORY_EVIDENCE_MAX_BYTES // (1024 * 1024)
        limits = ngettext(
            "Up to %(count)s file, smaller than %(size)s MB.",
            "Up to %(count)s files, each smaller than %(size)s MB.",
            count,
        ) % {"count": count, "size": size}
        details = _(
            "We remove hidden details from photos, such as where they were taken and with which camera, "
            "before we store them. Videos, sound and PDF files are kept as they are, and may contain such details."
        )
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = f"{limits} {details}"
        self.fields["evidence"].widget.attrs["aria-describedby"] = f"{self['evidence'].auto_id}_hint"


class SubmitForm(IntakeForm):
    # A trap for bots: hidden from people by CSS, skipped by the keyboard.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
