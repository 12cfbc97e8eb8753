"""What a referral carries: the chosen sections of a case, as they are at the moment it
is sent, and nothing else.

The snapshot holds codes (statuses, bias motivations, levels) and the free text the
sections consist of; pages label the codes in the reader's language. It is stored
encrypted (``Referral.snapshot``) and read by the recipient only while the referral is
in force (``permissions.can_read_referral_content``).

- incident: the case's coded fields, its account, and the report's answers when the
  case was opened from a report;
- contact: the person harmed's name and contact details, and the report's contact
  details only while the reporter agrees to be contacted;
- people: the other people linked to the case (not erased ones);
- risk: the risk flags in force;
- notes: internal notes that are not confidential;
- assessment: the latest needs assessment, only when that section is chosen.
"""

from __future__ import annotations

from typing import Any

from .models import Case, CasePerson, CaseSection, PersonRole


def _incident(case: Case) -> dict[str, Any]:
    part: dict[str, Any] = {
        "country": case.country,
        "bias_motivations": list(case.bias_motivations),
        "incident_types": list(case.incident_types),
        "online": case.online,
        "occurred_month": case.occurred_month.isoformat() if case.occurred_month else "",
        "occurred_date": case.occurred_date,
        "location": case.location,
        "summary": case.summary,
        "language": case.language,
        "report_answers": [],
    }
    if case.report is not None:
        from victory.reports.selectors import staff_view_of

        view = staff_view_of(report=case.report)
        part["report_answers"] = [{"label": row.label, "value": row.value} for row in view.answers if row.value]
    return part


def _person(person: CasePerson) -> dict[str, Any]:
    return {
        "role": person.role,
        "name": person.full_name,
        "contact": dict(person.contact or {}),
        "language": person.language,
        "is_child": person.is_child,
    }


def _contact(case: Case, people: list[CasePerson]) -> dict[str, Any]:
    harmed = [_person(person) for person in people if person.role == PersonRole.PERSON_HARMED]
    report_contact: list[dict[str, str]] | None = None
    if case.report is not None:
        from victory.reports.selectors import staff_view_of

        contact = staff_view_of(report=case.report).contact
        if contact is not None:  # only while the reporter agrees to be contacted
            report_contact = [{"label": row.label, "value": row.value} for row in contact if row.value]
    return {"people": harmed, "report_contact": report_contact}


def _assessment(case: Case) -> dict[str, Any] | None:
    # The assessment area's own reading of its latest version: codes, not words.
    from .selectors.assessment import assessment_for_sharing

    return assessment_for_sharing(case=case) or None


def snapshot_build(*, case: Case, sections: list[str]) -> dict[str, Any]:
    """The chosen ``sections`` of ``case`` as they are now (only those: a section not
    chosen is not even read)."""
    chosen = set(sections)
    snapshot: dict[str, Any] = {"sections": [code for code in CaseSection.values if code in chosen]}
    people: list[CasePerson] = []
    if chosen & {CaseSection.CONTACT, CaseSection.PEOPLE}:
        people = list(case.people.filter(erased_at__isnull=True))
    if CaseSection.INCIDENT in chosen:
        snapshot["incident"] = _incident(case)
    if CaseSection.CONTACT in chosen:
        snapshot["contact"] = _contact(case, people)
    if CaseSection.PEOPLE in chosen:
        snapshot["people"] = [_person(person) for person in people if person.role != PersonRole.PERSON_HARMED]
    if CaseSection.RISK in chosen:
        snapshot["risk"] = [
            {"kind": flag.kind, "level": flag.level, "reason": flag.reason, "raised_at": flag.raised_at.isoformat()}
            for flag in case.risk_flags.filter(cleared_at__isnull=True)
        ]
    if CaseSection.NOTES in chosen:
        snapshot["notes"] = [
            {"body": note.body, "created_at": note.created_at.isoformat()}
            for note in case.notes.filter(confidential=False)
        ]
    if CaseSection.ASSESSMENT in chosen:
        snapshot["assessment"] = _assessment(case)
    return snapshot


def _label(choices: Any, code: Any) -> str:
    return str(choices(code).label) if code in choices.values else str(code)


def _contact_rows(contact: dict[str, Any]) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    labels = {"email": _("E-mail"), "phone": _("Phone"), "address": _("Address"), "safe_times": _("Safe times")}
    return [(labels.get(key, key), str(value)) for key, value in contact.items() if value]


def _person_display(person: dict[str, Any]) -> dict[str, Any]:
    return {**person, "role": _label(PersonRole, person["role"]), "contact": _contact_rows(person.get("contact") or {})}


def snapshot_display(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with its codes as words in the reader's language, for the page."""
    from victory.core.vocabulary import BiasMotivation, IncidentType, country_name

    from .models import RiskKind, RiskLevel

    shown: dict[str, Any] = {}
    incident = snapshot.get("incident")
    if incident is not None:
        shown["incident"] = {
            **incident,
            "country": country_name(incident["country"]) if incident.get("country") else "",
            "bias_motivations": [_label(BiasMotivation, code) for code in incident.get("bias_motivations", [])],
            "incident_types": [_label(IncidentType, code) for code in incident.get("incident_types", [])],
        }
    if "notes" in snapshot:
        shown["notes"] = snapshot["notes"]
    if "people" in snapshot:
        shown["people"] = [_person_display(person) for person in snapshot["people"]]
    if "contact" in snapshot:
        shown["contact"] = {
            **snapshot["contact"],
            "people": [_person_display(person) for person in snapshot["contact"].get("people", [])],
        }
    if "risk" in snapshot:
        shown["risk"] = [
            {**flag, "kind": _label(RiskKind, flag["kind"]), "level": _label(RiskLevel, flag["level"])}
            for flag in snapshot["risk"]
        ]
    if "assessment" in snapshot:
        assessment = snapshot["assessment"]
        shown["assessment"] = assessment and _assessment_display(assessment)
    return shown


def _assessment_display(assessment: dict[str, Any]) -> dict[str, Any]:
    """A shared assessment in the reader's words: the result, then every answer."""
    from victory.core.vocabulary import ServiceOffer

    from .assessment import SpecialMeasure, answers_in_words
    from .models import AssessmentStage, ProtectionLevel

    result = assessment.get("result", {})
    return {
        "version": assessment["version"],
        "stage": _label(AssessmentStage, assessment["stage"]),
        "protection_level": _label(ProtectionLevel, result.get("protection_level", "")),
        "special_measures": [_label(SpecialMeasure, code) for code in result.get("special_measures", [])],
        "refused_measures": [_label(SpecialMeasure, code) for code in result.get("refused_measures", [])],
        "suggested_referrals": [_label(ServiceOffer, code) for code in result.get("suggested_referrals", [])],
        "answers": answers_in_words(assessment.get("answers", {})),
    }
