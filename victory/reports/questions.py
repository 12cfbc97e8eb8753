"""Every question of the report, declared once.

A ``Question`` says where it is asked (the form page), in which words (label, hint,
the reporter's wording of each choice), with which codes (an enum of
``core.vocabulary`` or ``models``), and how it is summarised: on "check your
answers", in the receiving organisation's view and in the acknowledgement PDF. The
form pages (``forms.py``), the check page (``views/intake_check.py``), the API schemas
(``api.py``), the staff view (``selectors.staff_view_of``) and the PDF
(``pdf.py``) are all derived from ``QUESTIONS``; so adding a question is one
declaration here, one field on ``models.Report`` (and its migration) and one on
``services.ReportDraft``.

Stored codes are the enums' values; only labels are words.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import TextChoices
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from victory.core.vocabulary import BiasMotivation, IncidentType, SupportNeed, country_name

from .models import ConsentPurpose, PlaceKind, PoliceAware, Report, ReporterRole

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(enum.StrEnum):
    """How a question is asked, stored and shown."""

    NARRATIVE = "narrative"  # the one required answer: a long text, the page's heading
    TEXT = "text"  # one line, optional
    LONG_TEXT = "long_text"  # a few lines, optional
    CHOICE = "choice"  # radios: one code of ``choices``, or none
    CHOICES = "choices"  # checkboxes: any codes of ``choices``
    YES_NO = "yes_no"  # radios "Yes" / "No"; stored True, False or None (not said)
    CHECKBOX = "checkbox"  # one tick box; stored True or False
    DATE = "date"  # three boxes (day, month, year); stored as a date or None
    COUNTRY = "country"  # a list of ``core.vocabulary.COUNTRIES``


class YesNo(TextChoices):
    """The answers of a yes/no question, as the form and the session hold them."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


TEXT_KINDS = frozenset({Kind.NARRATIVE, Kind.TEXT, Kind.LONG_TEXT})
# The boxes of a date question, in the form and the session: "<name>" is the question's
# ``date_prefix``.
DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class Question:
    """One question of the report. ``name`` is its field on ``ReportDraft``, the API,
    the form and (unless ``contact_key``) ``models.Report``."""

    name: str
    step: str  # the slug of its page (views/intake.py STEPS)
    kind: Kind
    label: StrOrPromise  # the form's label, in the reporter's words
    check_label: StrOrPromise  # its row on "check your answers"
    staff_label: StrOrPromise  # its row in the receiving organisation's view
    api_description: str  # the API's field description (English, like the whole document)
    help_text: StrOrPromise = ""
    choices: type[TextChoices] | None = None  # the codes (CHOICE, CHOICES)
    # The reporter's wording of a code where the enum's label is a professional's
    # ("Antisemitism" → "Being Jewish"); a code left out reads as the enum's label.
    wording: Mapping[str, StrOrPromise] = field(default_factory=dict)
    heading: bool = False  # the question is the page's heading
    note: StrOrPromise = ""  # a paragraph said after the question
    widget_attrs: Mapping[str, str] = field(default_factory=dict)
    # Stored in ``Report.contact[contact_key]``: shown to staff only while the reporter
    # agrees to be contacted, never in the acknowledgement.
    contact_key: str = ""
    api_required: bool = False  # the API asks for it (the form lets it be left out)
    api_answer_description: str = ""  # described in the API's answers too
    # "check your answers": rows with the same ``check_label`` are one row listing each
    # answer; ``check_empty`` is said when none was given.
    check_empty: StrOrPromise = ""
    # The acknowledgement PDF: its row ("" = not in it, as for what might put the
    # reporter at risk if the document is found), a word before the answer, and what is
    # said when it was left out.
    acknowledgement_label: StrOrPromise = ""
    acknowledgement_prefix: StrOrPromise = ""
    acknowledgement_empty: StrOrPromise = ""

    # --- Codes and words -------------------------------------------------------------

    def reporter_label(self, code: str) -> str:
        """A code in the reporter's words ("" for an unknown one)."""
        if code in self.wording:
            return str(self.wording[code])
        if self.choices is not None and code in self.choices.values:
            return str(self.choices(code).label)
        return ""

    def choice_list(self) -> list[tuple[str, StrOrPromise]]:
        """The form's options, in the enum's order, in the reporter's words."""
        assert self.choices is not None, self.name
        return [(code, self.wording.get(code, label)) for code, label in self.choices.choices]

    @property
    def anchor(self) -> str:
        """The id of the form field to link to (the first option of radios and boxes)."""
        if self.kind in {Kind.CHOICE, Kind.CHOICES, Kind.YES_NO}:
            return f"id_{self.name}_0"
        if self.kind is Kind.DATE:
            return f"id_{self.date_prefix}_day"
        return f"id_{self.name}"

    @property
    def date_prefix(self) -> str:
        """The form's date boxes are "<prefix>_day", "_month", "_year"."""
        return self.name.removesuffix("_on")

    def date_fields(self) -> tuple[str, str, str]:
        day, month, year = (f"{self.date_prefix}_{part}" for part in DATE_PARTS)
        return day, month, year

    # --- The answer, from the draft in the session or from the report -------------

    def draft_value(self, answers: Mapping[str, Any]) -> Any:
        """The answer as ``ReportDraft`` takes it, from the form's answers."""
        value = answers.get(self.name)
        if self.kind in TEXT_KINDS:
            return value or ""
        if self.kind is Kind.CHOICES:
            return list(value or [])
        if self.kind is Kind.YES_NO:
            return {YesNo.YES.value: True, YesNo.NO.value: False}.get(value or "")
        if self.kind is Kind.CHECKBOX:
            return bool(value)
        if self.kind is Kind.DATE:
            return _date_from_boxes(answers, self.date_fields())
        return value or ""

    def report_value(self, report: Report) -> Any:
        """The answer as stored."""
        if self.contact_key:
            contact: dict[str, Any] = report.contact if isinstance(report.contact, dict) else {}
            if self.kind is Kind.CHECKBOX:
                return bool(contact.get(self.contact_key))
            return contact.get(self.contact_key, "")
        return getattr(report, self.name)

    # --- Summaries ------------------------------------------------------------------

    def check_text(self, answers: Mapping[str, Any]) -> str | list[str]:
        """The answer on "check your answers", in the reporter's words."""
        return self._reporter_words(self.draft_value(answers))

    def acknowledgement_text(self, report: Report) -> str | list[str]:
        """The answer in the acknowledgement, in the reporter's words."""
        return self._reporter_words(self.report_value(report))

    def _reporter_words(self, value: Any) -> str | list[str]:
        if self.kind is Kind.CHOICES:
            return [label for label in (self.reporter_label(code) for code in value) if label]
        if self.kind is Kind.CHOICE:
            return self.reporter_label(value) if value else ""
        return self._plain(value)

    def staff_text(self, report: Report) -> str:
        """The answer in the receiving organisation's view: the enums' own labels, in
        the order the form lists them; a code no longer listed is shown as it is."""
        value = self.report_value(report)
        if self.kind is Kind.CHOICES:
            assert self.choices is not None
            given = set(value)
            labels = [str(label) for code, label in self.choices.choices if code in given]
            labels += [code for code in value if code not in self.choices.values]
            return ", ".join(labels)
        if self.kind is Kind.CHOICE:
            assert self.choices is not None
            return str(self.choices(value).label) if value in self.choices.values else str(value or "")
        return self._plain(value)

    def _plain(self, value: Any) -> str:
        if self.kind in {Kind.YES_NO, Kind.CHECKBOX}:
            if value is None:
                return ""
            return gettext("Yes") if value else gettext("No")
        if self.kind is Kind.DATE:
            return date_format(value, "DATE_FORMAT") if value else ""
        if self.kind is Kind.COUNTRY:
            return country_name(value) if value else ""
        return str(value or "")


def _date_from_boxes(answers: Mapping[str, Any], names: tuple[str, str, str]) -> datetime.date | None:
    """The exact date from the three boxes, when all three hold a real date."""
    day, month, year = names
    try:
        return datetime.date(int(answers.get(year) or ""), int(answers.get(month) or ""), int(answers.get(day) or ""))
    except ValueError:
        return None


# The bias motivations as a person would say them; the codes are ODIHR's.
BIAS_WORDING: dict[str, StrOrPromise] = {
    BiasMotivation.RACISM_XENOPHOBIA: _("My skin colour, ethnicity, nationality or where I come from"),
    BiasMotivation.ANTI_ROMA: _("Being Roma or Traveller"),
    BiasMotivation.ANTISEMITISM: _("Being Jewish"),
    BiasMotivation.ANTI_MUSLIM: _("Being Muslim, or seen as Muslim"),
    BiasMotivation.ANTI_CHRISTIAN: _("Being Christian"),
    BiasMotivation.OTHER_RELIGION: _("Another religion or belief, or having none"),
    BiasMotivation.ANTI_LGBTI: _("Being lesbian, gay, bisexual, trans or intersex"),
    BiasMotivation.GENDER: _("Being a woman, a man, or my gender"),
    BiasMotivation.DISABILITY: _("A disability or illness"),
    BiasMotivation.OTHER: _("Something else"),
    BiasMotivation.UNKNOWN: _("I am not sure"),
}

INCIDENT_WORDING: dict[str, StrOrPromise] = {
    IncidentType.VIOLENT_ATTACK: _("Physical violence: someone was hit, pushed, spat at or attacked"),
    IncidentType.THREAT_HARASSMENT: _("Threats, insults or harassment, in person or online"),
    IncidentType.PROPERTY_ATTACK: _(
        "Damage to property, for example graffiti, a broken window, fire, or damage to a place of worship"
    ),
    IncidentType.OTHER: _("Something else"),
}

NOT_GIVEN = _("Not given")

QUESTIONS: tuple[Question, ...] = (
    Question(
        name="reporter_role",
        step="who",
        kind=Kind.CHOICE,
        choices=ReporterRole,
        label=_("Who is reporting?"),
        heading=True,
        note=_("If you report for another person, please do it with their agreement."),
        check_label=_("Who is reporting"),
        staff_label=_("Who is reporting"),
        api_description="Who is reporting.",
        api_required=True,
        api_answer_description="Who is reporting; `null` if left unsaid.",
        acknowledgement_label=_("Who is reporting"),
        acknowledgement_empty="–",
    ),
    Question(
        name="narrative",
        step="what-happened",
        kind=Kind.NARRATIVE,
        label=_("What happened?"),
        help_text=_(
            "Use your own words. Write as much or as little as you like. You can say what was said or done, "
            "and anything that made you think it happened because of who you are."
        ),
        heading=True,
        note=_("This is the only question you must answer. Take your time. You can stop whenever you need to."),
        check_label=_("What happened"),
        staff_label=_("What happened"),
        api_description="What happened, in the reporter's own words (at most 20,000 characters).",
        api_required=True,
        # The acknowledgement gives it a section of its own ("What happened, in your words").
    ),
    Question(
        name="occurred_on",
        step="when",
        kind=Kind.DATE,
        label=_("The date, if you know it"),
        help_text=_("For example, 27 3 2024"),
        check_label=_("Date it happened"),
        staff_label=_("When"),
        api_description="The date, if known; not in the future.",
        acknowledgement_label=_("When it happened"),
    ),
    Question(
        name="occurred_when",
        step="when",
        kind=Kind.TEXT,
        label=_("Or say when, in your own words"),
        help_text=_("For example: last spring, a Friday night in March, or it keeps happening."),
        check_label=_("When, in your words"),
        staff_label=_("When"),
        api_description="When, in the reporter's words (e.g. `last spring, at night`).",
        acknowledgement_label=_("When it happened"),
    ),
    Question(
        name="country",
        step="where",
        kind=Kind.COUNTRY,
        label=_("In which country did it happen? (optional)"),
        help_text=_(
            "We ask so that your report goes to an organisation that works in that country. "
            "If it happened online, choose the country you were in."
        ),
        check_label=_("Country"),
        staff_label=_("Where"),
        api_description="Where it happened: ISO 3166-1 alpha-2 code, e.g. `PT`.",
        api_required=True,
        acknowledgement_label=_("Where it happened"),
    ),
    Question(
        name="location",
        step="where",
        kind=Kind.TEXT,
        label=_("Region, town or area (optional)"),
        help_text=_("Only as much as you want to say, for example the town or part of the city."),
        check_label=_("Region, town or area"),
        staff_label=_("Where"),
        api_description="Region or town.",
        acknowledgement_label=_("Where it happened"),
    ),
    Question(
        name="place_kind",
        step="where",
        kind=Kind.CHOICE,
        choices=PlaceKind,
        label=_("What kind of place was it? (optional)"),
        check_label=_("Kind of place"),
        staff_label=_("Kind of place"),
        api_description="Kind of place.",
        acknowledgement_label=_("Where it happened"),
    ),
    Question(
        name="online_platform",
        step="where",
        kind=Kind.TEXT,
        label=_("If it happened online: which website, app or game? (optional)"),
        help_text=_("For example the name of the social network or messaging app."),
        check_label=_("Website, app or game"),
        staff_label=_("Online platform"),
        api_description="For online incidents: the platform's name.",
        acknowledgement_label=_("Where it happened"),
        acknowledgement_prefix=_("Online:"),
    ),
    Question(
        name="bias_motivations",
        step="why",
        kind=Kind.CHOICES,
        choices=BiasMotivation,
        wording=BIAS_WORDING,
        label=_("Why do you think it happened?"),
        help_text=_("Choose all that apply. It is fine not to be sure."),
        heading=True,
        note=_("You do not have to prove anything. What you think matters."),
        check_label=_("Why you think it happened"),
        staff_label=_("Why they think it happened"),
        api_description="Why they think it happened (OSCE/ODIHR); `unknown` means not sure.",
        acknowledgement_label=_("Why you think it happened"),
        acknowledgement_empty=NOT_GIVEN,
    ),
    Question(
        name="incident_types",
        step="what-kind",
        kind=Kind.CHOICES,
        choices=IncidentType,
        wording=INCIDENT_WORDING,
        label=_("What happened, in a few words?"),
        help_text=_("Choose all that apply."),
        heading=True,
        check_label=_("What kind of incident"),
        staff_label=_("Kind of incident"),
        api_description="What kind of incident (ODIHR).",
        acknowledgement_label=_("What kind of incident"),
        acknowledgement_empty=NOT_GIVEN,
    ),
    Question(
        name="impact",
        step="what-kind",
        kind=Kind.LONG_TEXT,
        label=_("What did it do to you? (optional)"),
        help_text=_(
            "For example how you feel now, if you or someone else was hurt, or if you lost money or things. "
            "Only if you want to say."
        ),
        check_label=_("What it did to you"),
        staff_label=_("What it did to them"),
        api_description="What it did to them.",
    ),
    Question(
        name="offender_description",
        step="police",
        kind=Kind.LONG_TEXT,
        label=_("Anything about the person or people responsible (optional)"),
        help_text=_(
            "For example how many there were, what they looked like or said, or if you know them. "
            "Only what you feel safe to share."
        ),
        check_label=_("About the people responsible"),
        staff_label=_("About the people responsible"),
        api_description="Anything about the person or people responsible.",
    ),
    Question(
        name="police_aware",
        step="police",
        kind=Kind.CHOICE,
        choices=PoliceAware,
        label=_("Do the police know about it?"),
        check_label=_("The police know"),
        staff_label=_("Police know"),
        api_description="Whether the police know.",
    ),
    Question(
        name="wants_police_told",
        step="police",
        kind=Kind.YES_NO,
        label=_("Would you like the police to be told?"),
        help_text=_("This is your choice. Nobody will tell the police without your agreement."),
        check_label=_("Tell the police"),
        staff_label=_("Want the police told"),
        api_description="Whether they want the police told.",
    ),
    Question(
        name="support_needs",
        step="support",
        kind=Kind.CHOICES,
        choices=SupportNeed,
        label=_("What support would you like?"),
        help_text=_("Choose all that you would like. You can also choose none."),
        heading=True,
        note=_("Support is for you whether or not you report to the police."),
        check_label=_("Support you would like"),
        staff_label=_("Support wanted"),
        api_description="Support they would like.",
        acknowledgement_label=_("Support you asked for"),
        acknowledgement_empty=_("None asked for"),
    ),
    Question(
        name="support_language",
        step="support",
        kind=Kind.TEXT,
        label=_("In which language would you like support? (optional)"),
        help_text=_("For example Portuguese, Arabic or Romani."),
        check_label=_("Language for support"),
        staff_label=_("Language for support"),
        api_description="Language they would like support in.",
        acknowledgement_label=_("Support you asked for"),
        acknowledgement_prefix=_("Language:"),
    ),
    Question(
        name="contact_email",
        step="contact",
        kind=Kind.TEXT,
        contact_key="email",
        label=_("E-mail address (optional)"),
        widget_attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "email"},
        check_label=_("How we may contact you"),
        check_empty=_("Only through my secure inbox, with my receipt"),
        staff_label=_("E-mail address"),
        api_description="Only if they want to be contacted by e-mail.",
    ),
    Question(
        name="contact_phone",
        step="contact",
        kind=Kind.TEXT,
        contact_key="phone",
        label=_("Phone number (optional)"),
        widget_attrs={"autocomplete": "off", "inputmode": "tel"},
        check_label=_("How we may contact you"),
        check_empty=_("Only through my secure inbox, with my receipt"),
        staff_label=_("Phone"),
        api_description="Only if they want to be contacted by phone.",
    ),
    Question(
        name="contact_safe_times",
        step="contact",
        kind=Kind.TEXT,
        contact_key="safe_times",
        label=_("When is it safe to call you? (optional)"),
        help_text=_("For example: weekdays after 6 pm. We will not leave a message unless you say we may."),
        check_label=_("Safe times to call"),
        staff_label=_("Safe times to contact"),
        api_description="When it is safe to contact them.",
    ),
    Question(
        name="email_updates",
        step="contact",
        kind=Kind.CHECKBOX,
        contact_key="email_updates",
        label=_("E-mail me when there is a new message in my inbox"),
        help_text=_("The e-mail only says there is a new message. It never says what it is about."),
        check_label=_("E-mail when there is a new message"),
        staff_label=_("E-mail when there is a new message"),
        api_description="E-mail me when there is a new message (needs `contact_email`).",
    ),
)

QUESTION_BY_NAME: dict[str, Question] = {question.name: question for question in QUESTIONS}


def questions_on(step: str) -> list[Question]:
    """The questions of one form page, in the order they are asked."""
    return [question for question in QUESTIONS if question.step == step]


# Not questions about what happened but choices about the report, asked on the contact
# page: the consents, in the reporter's words (``ConsentPurpose``'s labels are the
# inbox's shorter ones).
CONSENT_WORDING: dict[str, StrOrPromise] = {
    ConsentPurpose.CONTACT: _("You may contact me in the ways I gave above"),
    ConsentPurpose.SHARE_SUPPORT: _("You may share my report with another support organisation, if it can help me"),
    ConsentPurpose.SHARE_POLICE: _("You may share my report with the police"),
    ConsentPurpose.STATISTICS: _("You may count my report in statistics, without anything that shows who I am"),
    ConsentPurpose.RESTORATIVE: _("Tell me about a restorative dialogue (a safe, guided meeting or exchange)"),
}


def consent_choices() -> list[tuple[str, StrOrPromise]]:
    return [(purpose, CONSENT_WORDING.get(purpose, label)) for purpose, label in ConsentPurpose.choices]
