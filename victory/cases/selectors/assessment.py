"""Reads of the needs assessment, under its own rule (``permissions.can_read_assessment``:
the assignee and the organisation's supervisors). Outside it, a version is not found
(404), even for a colleague who sees the case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from victory.accounts.models import User

from ..assessment import Ground, SpecialMeasure, assessment_result
from ..models import Case, NeedsAssessment, ProtectionLevel
from ..permissions import can_read_assessment


def require_assessment_access(*, user: User, case: Case) -> None:
    """The case is already one ``user`` works (selectors.common.case_get); the
    assessment is read only by its assignee and supervisors: 404 for anyone else."""
    if not can_read_assessment(user, case):
        raise Http404


def assessment_list(*, case: Case) -> QuerySet[NeedsAssessment]:
    """Every version of the case's assessment, newest first, with who recorded it: one query."""
    return NeedsAssessment.objects.filter(case=case).select_related("performed_by").order_by("-version")


def assessment_latest(*, case: Case) -> NeedsAssessment | None:
    return assessment_list(case=case).first()


def assessment_get(*, case: Case, version: int) -> NeedsAssessment:
    assessment = assessment_list(case=case).filter(version=version).first()
    if assessment is None:
        raise Http404
    return assessment


def assessment_previous(*, assessment: NeedsAssessment) -> NeedsAssessment | None:
    """The version before ``assessment`` (to show what changed), if any."""
    return (
        NeedsAssessment.objects.filter(case_id=assessment.case_id, version__lt=assessment.version)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class ResultView:
    """A version's result in words, for the pages."""

    level: str
    level_label: str
    detailed_needed: bool
    measures: list[str]
    referrals: list[str]
    refused: list[str]
    grounds: list[str]


def result_view(assessment: NeedsAssessment) -> ResultView:
    """What the page shows of a version's result: the stored level, measures and
    referrals; the refusals and the grounds read again from its answers (the rule is pure)."""
    from victory.core.vocabulary import ServiceOffer

    computed = assessment_result(stage=assessment.stage, answers=assessment.answers or {})
    measures = set(SpecialMeasure.values)
    offers = set(ServiceOffer.values)
    return ResultView(
        level=assessment.protection_level,
        level_label=str(ProtectionLevel(assessment.protection_level).label),
        detailed_needed=assessment.detailed_needed,
        measures=[str(SpecialMeasure(c).label) for c in assessment.special_measures if c in measures],
        referrals=[str(ServiceOffer(c).label) for c in assessment.suggested_referrals if c in offers],
        refused=[str(SpecialMeasure(c).label) for c in computed.refused_measures],
        grounds=[str(Ground(c).label) for c in computed.grounds],
    )


def assessment_for_sharing(*, case: Case) -> dict[str, Any]:
    """The latest version as plain JSON-able data, for a referral's snapshot (only when
    the ``assessment`` section is chosen and consented: the caller checks that). Empty
    when the case has no assessment yet. Codes, not words: the recipient reads them in
    their own language."""
    latest = assessment_latest(case=case)
    if latest is None:
        return {}
    computed = assessment_result(stage=latest.stage, answers=latest.answers or {})
    return {
        "version": latest.version,
        "stage": latest.stage,
        "performed_at": latest.performed_at.isoformat(),
        "answers": dict(latest.answers or {}),
        "result": {
            "protection_level": latest.protection_level,
            "detailed_needed": latest.detailed_needed,
            "special_measures": list(latest.special_measures),
            "suggested_referrals": list(latest.suggested_referrals),
            "refused_measures": computed.refused_measures,
        },
    }
