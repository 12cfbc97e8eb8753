"""Reads for reports, already limited to what the asking person may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from victory.accounts.models import Organisation, User
from victory.core.vocabulary import COUNTRIES, country_name

from .models import (
    ConsentPurpose,
    CountryIntake,
    Report,
    ReporterToken,
    ReportEvidence,
    ReportMessage,
    ReportStatus,
    Sender,
)
from .questions import QUESTIONS, Kind, Question


def country_codes() -> set[str]:
    return set(COUNTRIES)


def organisation_list_accepting_reports(*, country: str | None = None) -> QuerySet[Organisation]:
    """Organisations that accept public reports, for one country if given. Public fields
    only are ever shown from these."""
    organisations = Organisation.objects.filter(is_active=True, accepts_public_reports=True).order_by("name")
    if country:
        # ``countries`` is a JSON list, which SQLite cannot search; organisations are few.
        serving = [org.pk for org in organisations if country.upper() in org.countries]
        return organisations.filter(pk__in=serving)
    return organisations


def intake_organisation_for(*, country: str, chosen_id: int | None = None) -> Organisation | None:
    """Who receives a report: the reporter's choice if it accepts reports for the country;
    else the country's configured default, if it still accepts reports; else the first
    accepting organisation for the country; else the platform-wide fallback ("*"), which
    also receives reports whose country the person did not give."""
    if country:
        accepting = organisation_list_accepting_reports(country=country)
        if chosen_id is not None:
            chosen = accepting.filter(pk=chosen_id).first()
            if chosen is not None:
                return chosen
        configured = CountryIntake.objects.select_related("organisation").filter(country=country.upper()).first()
        if configured and accepting.filter(pk=configured.organisation_id).exists():
            return configured.organisation
        first = accepting.first()
        if first is not None:
            return first
    fallback = CountryIntake.objects.select_related("organisation").filter(country="*").first()
    if fallback and fallback.organisation.is_active and fallback.organisation.accepts_public_reports:
        return fallback.organisation
    return None


@dataclass(frozen=True)
class OrganisationProfile:
    """What a person choosing who receives their report is told about an organisation,
    in the page's language: where it works, in which languages, what it does, and
    whether it works in the country the report is about."""

    organisation: Organisation
    countries: str  # "Portugal and Spain"
    languages: str  # "Portuguese and English"
    description: str
    works_in_country: bool  # False: it works elsewhere, and the page says so
    report_country: str  # the report's country, named; "" when not given


def _joined(items: list[str], language: str) -> str:
    try:
        return format_list(items, locale=language.replace("-", "_")) if items else ""
    except (UnknownLocaleError, ValueError):
        return ", ".join(items)


def _language_name(code: str, locale: Locale | None) -> str:
    name = locale.languages.get(code.replace("-", "_")) if locale else None
    if name is None and locale is not None:
        name = locale.languages.get(code.split("-")[0])
    return name or code


def organisation_profile(*, organisation: Organisation, country: str) -> OrganisationProfile:
    """``organisation`` as the report form shows it, for a report about ``country``
    ("" when the person did not say)."""
    language = get_language() or "en"
    try:
        locale: Locale | None = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = None
    codes = [code.upper() for code in organisation.countries]
    return OrganisationProfile(
        organisation=organisation,
        countries=_joined(sorted(country_name(code) for code in codes), language),
        languages=_joined([_language_name(code, locale) for code in organisation.languages], language),
        description=organisation.description,
        works_in_country=not country or country.upper() in codes,
        report_country=country_name(country.upper()) if country else "",
    )


def report_list_for_staff(*, user: User, status: str | None = None, without_case: bool = False) -> QuerySet[Report]:
    """Reports received by the organisations where ``user`` is a caseworker or supervisor,
    newest first, with the number of unread reporter messages. ``without_case``: only
    those not yet a case (a case is worked on its own pages, under the case's rule)."""
    reports = (
        Report.objects.filter(organisation__in=Organisation.objects.handled_by(user))
        .select_related("organisation")
        .annotate(unread=Count("messages", filter=Q(messages__sender=Sender.REPORTER, messages__read_at__isnull=True)))
        .order_by("-created_at")
    )
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    if without_case:
        reports = reports.filter(case__isnull=True)
    return reports


def report_has_case(*, report: Report) -> bool:
    """Whether a case was opened from ``report`` (the cases app's ``Case.report``, asked
    by name: the reports app does not import the apps built on it)."""
    return Report.objects.filter(pk=report.pk, case__isnull=False).exists()


def report_get_for_staff(*, user: User, reference: str) -> Report:
    """404 for a report of another organisation: an outsider cannot learn it exists."""
    report = report_list_for_staff(user=user).filter(reference=reference).first()
    if report is None:
        raise Http404
    return report


def report_messages(*, report: Report) -> QuerySet[ReportMessage]:
    return report.messages.prefetch_related("files").order_by("created_at", "pk")


def report_evidence(*, report: Report) -> QuerySet[ReportEvidence]:
    return report.evidence.order_by("created_at", "pk")


def evidence_get_for_staff(*, user: User, reference: str, evidence_id: int) -> ReportEvidence:
    report = report_get_for_staff(user=user, reference=reference)
    evidence = report.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return evidence


def draft_evidence(*, draft_key: str) -> QuerySet[ReportEvidence]:
    return ReportEvidence.objects.filter(draft_key=draft_key, report__isnull=True).order_by("created_at", "pk")


def _reports_open_to_reporters() -> QuerySet[Report]:
    """The one gate of every reporter-side way in: the sent page and its PDF, inbox
    sessions, API tokens and the receipt itself. A report whose deletion was asked for
    is outside it from that moment, for every browser and token at once, while it
    waits (up to an hour) for the retention job to erase it."""
    return Report.objects.select_related("organisation").filter(deletion_requested_at__isnull=True)


def report_get_for_reporter(*, report_id: int) -> Report | None:
    """The report a browser session points at (the one that sent it, or one logged in
    with the receipt); None once its deletion was asked for or it was erased."""
    return _reports_open_to_reporters().filter(pk=report_id).first()


def report_get_by_receipt(*, digest: str) -> Report | None:
    """The report whose receipt hashes to ``digest``; None once its deletion was asked for."""
    return _reports_open_to_reporters().filter(receipt_digest=digest).first()


def reporter_token_get(*, digest: str) -> ReporterToken | None:
    """A reporter API token by its digest, with its report; None once the report's
    deletion was asked for (the tokens are also deleted then)."""
    return (
        ReporterToken.objects.select_related("report__organisation")
        .filter(digest=digest, report__in=_reports_open_to_reporters())
        .first()
    )


# --- What the receiving organisation sees of a report -------------------------------


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str  # "" when not answered


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    label: str
    granted: bool
    changed_at: datetime | None


@dataclass(frozen=True)
class StaffReportView:
    """A report as its receiving organisation sees it, on the page and through the API
    alike: every answer (``questions.QUESTIONS``), and the contact details only while the
    reporter agrees to be contacted."""

    report: Report
    answers: list[AnswerRow]
    # None: the reporter does not (or no longer) agree to be contacted, so not even
    # whether they gave any is shown. An empty list: they agree but gave none.
    contact: list[AnswerRow] | None
    consents: list[ConsentRow]


def _staff_rows(report: Report, questions: list[Question]) -> list[AnswerRow]:
    """One row per staff label: answers sharing one ("When": the date and the words) are
    joined, each only if given."""
    rows: dict[str, list[str]] = {}
    for question in questions:
        texts = rows.setdefault(str(question.staff_label), [])
        text = question.staff_text(report)
        if text:
            texts.append(text)
    return [AnswerRow(label=label, value=" — ".join(texts)) for label, texts in rows.items()]


def report_view_for_staff(*, user: User, reference: str) -> StaffReportView:
    """The report ``reference`` as ``user`` may see it; 404 outside their organisations."""
    return staff_view_of(report=report_get_for_staff(user=user, reference=reference))


def staff_view_of(*, report: Report) -> StaffReportView:
    """What staff see of ``report``, one already found through ``report_get_for_staff``
    (the page has it in hand; reading it again by reference would be a second lookup)."""
    consents = {consent.purpose: consent for consent in report.consents.all()}
    consent_rows = [
        ConsentRow(
            purpose=purpose,
            label=str(label),
            granted=bool(purpose in consents and consents[purpose].granted),
            changed_at=consents[purpose].changed_at if purpose in consents else None,
        )
        for purpose, label in ConsentPurpose.choices
    ]
    # A reporter who asked for deletion is never contacted in the hour before erasure:
    # the address may now be read by the person they fear.
    contact_allowed = bool(
        ConsentPurpose.CONTACT in consents
        and consents[ConsentPurpose.CONTACT].granted
        and report.deletion_requested_at is None
    )
    asked = [question for question in QUESTIONS if not question.contact_key]
    contact_questions = [question for question in QUESTIONS if question.contact_key]
    contact: list[AnswerRow] | None = None
    if contact_allowed:
        given = any(
            question.kind is not Kind.CHECKBOX and question.report_value(report) for question in contact_questions
        )
        contact = _staff_rows(report, contact_questions) if given else []
    return StaffReportView(report=report, answers=_staff_rows(report, asked), contact=contact, consents=consent_rows)
