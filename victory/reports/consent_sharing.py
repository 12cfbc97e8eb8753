"""Consents that send a person's report to someone else, and what the confirmation page
says about each before it takes effect (issue 8, item 4).

Two purposes send information outside the organisation that receives the report:
``share_police`` and ``share_support``. Agreeing to either is never one tap: the report
form (``views/intake.py``) and the inbox (``views/inbox_consent.py``) both show the
confirmation page (``reports/consent/_confirm.html``) first and store the agreement
only after "Yes, share". Withdrawing stays one step: it protects.

``restorative`` ("Tell me about a restorative dialogue") is not one of them: it asks the
receiving organisation to tell the person about a dialogue; nothing leaves it. Referring
to a restorative-justice service is a later, separate decision with its own safeguards
(DESIGN.md, Art. 12). ``contact`` and ``statistics`` send nothing to anyone either
(statistics never carry free text or identities).

The JSON API (``api.py``) takes consents as given: an API client is an app that shows
its own confirmation before it sends a sharing consent.

What is listed as shared is what the receiving organisation's caseworkers see of a
report (``views/staff.py``), the only thing they can pass on: the answers and files,
the contact details only while the person agrees to be contacted, never the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import ConsentPurpose, Report

SHARING_PURPOSES: tuple[str, ...] = (ConsentPurpose.SHARE_POLICE.value, ConsentPurpose.SHARE_SUPPORT.value)


def is_sharing(purpose: str) -> bool:
    return purpose in SHARING_PURPOSES


@dataclass(frozen=True)
class SharedParts:
    """Which parts of a report were given: only those are listed as shared."""

    narrative: bool = False
    when: bool = False
    where: bool = False
    why: bool = False
    what_kind: bool = False
    impact: bool = False
    offender: bool = False
    support: bool = False
    files: int = 0
    contact_given: bool = False
    contact_agreed: bool = False


def parts_from_answers(answers: dict[str, Any], *, file_count: int, contact_agreed: bool) -> SharedParts:
    """From the draft of the report form."""
    return SharedParts(
        narrative=bool((answers.get("narrative") or "").strip()),
        when=any(
            (answers.get(name) or "").strip()
            for name in ("occurred_day", "occurred_month", "occurred_year", "occurred_when")
        ),
        where=any(
            (answers.get(name) or "").strip() for name in ("country", "location", "place_kind", "online_platform")
        ),
        why=bool(answers.get("bias_motivations")),
        what_kind=bool(answers.get("incident_types")),
        impact=bool((answers.get("impact") or "").strip()),
        offender=bool((answers.get("offender_description") or "").strip()),
        support=bool(answers.get("support_needs") or (answers.get("support_language") or "").strip()),
        files=file_count,
        contact_given=any(
            (answers.get(name) or "").strip() for name in ("contact_email", "contact_phone", "contact_safe_times")
        ),
        contact_agreed=contact_agreed,
    )


def parts_from_report(report: Report) -> SharedParts:
    """From a report already sent (the inbox)."""
    contact: dict[str, Any] = report.contact if isinstance(report.contact, dict) else {}
    return SharedParts(
        narrative=bool(report.narrative),
        when=bool(report.occurred_date or report.occurred_when),
        where=bool(report.country or report.location or report.place_kind or report.online_platform),
        why=bool(report.bias_motivations),
        what_kind=bool(report.incident_types),
        impact=bool(report.impact),
        offender=bool(report.offender_description),
        support=bool(report.support_needs or report.support_language),
        files=report.evidence.count(),
        contact_given=any(contact.get(name) for name in ("email", "phone", "safe_times")),
        contact_agreed=report.consent_granted(ConsentPurpose.CONTACT),
    )


def _shared_list(parts: SharedParts) -> list[str]:
    items = [
        (parts.narrative, _("What happened, in your words")),
        (parts.when, _("When it happened")),
        (parts.where, _("Where it happened")),
        (parts.why, _("Why you think it happened")),
        (parts.what_kind, _("What kind of incident it was")),
        (parts.impact, _("What it did to you")),
        (parts.offender, _("What you said about the people responsible")),
        (parts.support, _("The support you asked for")),
    ]
    shared = [text for given, text in items if given]
    if parts.files:
        shared.append(_("The files you added"))
    if parts.contact_given and parts.contact_agreed:
        shared.append(_("Your contact details, so that they can reach you"))
    return shared


def confirmation(
    *, purpose: str, parts: SharedParts, country: str, organisation_name: str = "", sent: bool
) -> dict[str, Any]:
    """What the confirmation page says for ``purpose``: with whom, what, what happens
    next, and how to withdraw. ``country`` is the report's country, named ("" if not
    given); ``organisation_name`` the organisation that receives the report, when known;
    ``sent`` whether the report was already sent (the inbox) or not yet (the form)."""
    sender = organisation_name or _("The organisation that receives your report")
    if purpose == ConsentPurpose.SHARE_POLICE:
        recipient = (
            _("The police in %(country)s") % {"country": country}
            if country
            else _("The police of the country where it happened")
        )
        heading = _("Do you want your report shared with the police?")
        next_steps = [
            _("%(sender)s sends your report to the police.") % {"sender": sender},
            _("The police may use it to look into what happened. They may want to talk to you."),
        ]
    else:
        recipient = _("A support organisation chosen with you")
        heading = _("Do you want your report shared with another support organisation?")
        next_steps = [
            _(
                "%(sender)s may send your report to another organisation that can help you, "
                "for example with legal advice or a safe place to stay."
            )
            % {"sender": sender},
            _("They tell you in your secure inbox which organisation it is."),
        ]
    if not sent:
        next_steps.insert(0, _("Nothing is shared before you send your report."))
    not_shared = [_("Your receipt. Nobody else ever gets it.")]
    if parts.contact_given and not parts.contact_agreed:
        not_shared.append(_("Your contact details, because you did not agree that we may contact you."))
    return {
        "purpose": purpose,
        "heading": heading,
        "recipient": recipient,
        "shared": _shared_list(parts),
        "not_shared": not_shared,
        "next_steps": next_steps,
    }
