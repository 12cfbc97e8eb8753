"""Recording a version of the needs assessment (Art. 22). A version is never changed:
redoing the assessment when circumstances change writes the next one, with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import User

from ..assessment import answers_clean, answers_problems, assessment_result
from ..models import AssessmentStage, Case, NeedsAssessment
from ..permissions import can_read_assessment
from ..timeline import event_record
from .common import case_write, require_case_access

MAX_REASON_CHARS = 2000


def reason_required(*, case: Case, stage: str) -> bool:
    """Every version after the first redoes the assessment and says why, except the
    first detailed assessment, which follows the screening rather than redoing it."""
    stages = set(NeedsAssessment.objects.filter(case=case).values_list("stage", flat=True))
    if not stages:
        return False
    return not (stage == AssessmentStage.DETAILED and AssessmentStage.DETAILED not in stages)


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case: Case,
    stage: str,
    answers: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None,
) -> NeedsAssessment:
    """Write the next version of the case's assessment and set the case's protection
    level to its result. The actor must be allowed to read the assessment (the assignee
    or a supervisor; anyone else: 404). ``expected_version`` is the case's version the
    form was read at: a stale form is refused (``StaleEdit``) and nothing is written."""
    require_case_access(actor, case)
    if not can_read_assessment(actor, case):
        raise Http404
    if stage not in AssessmentStage.values:
        raise ValidationError({"stage": _("Choose the screening or the detailed assessment.")})
    problems = answers_problems(stage=stage, answers=answers)
    reason = reason.strip()
    if reason_required(case=case, stage=stage) and not reason:
        problems["reason"] = [_("Say what changed since the last version, e.g. “circumstances changed: …”.")]
    elif len(reason) > MAX_REASON_CHARS:
        problems["reason"] = [_("Keep the reason under %(count)s characters.") % {"count": MAX_REASON_CHARS}]
    if problems:
        raise ValidationError({name: [str(message) for message in messages] for name, messages in problems.items()})
    cleaned = answers_clean(stage=stage, answers=answers)
    result = assessment_result(stage=stage, answers=cleaned)
    case_write(case=case, actor=actor, action="case.assessment.record", expected_version=expected_version)
    # The case row is locked by case_write's UPDATE: two recordings cannot take one number.
    latest = NeedsAssessment.objects.filter(case=case).aggregate(latest=Max("version"))["latest"] or 0
    assessment = NeedsAssessment(
        case=case,
        version=latest + 1,
        stage=stage,
        protection_level=result.protection_level,
        detailed_needed=result.detailed_needed,
        special_measures=result.special_measures,
        suggested_referrals=result.suggested_referrals,
        reason=reason,
        performed_by=actor,
    )
    assessment.answers = cleaned
    assessment.full_clean(exclude=["answers"])  # no answer at all is a valid screening
    assessment.save()
    Case.objects.filter(pk=case.pk).update(protection_level=result.protection_level, updated_at=timezone.now())
    case.protection_level = result.protection_level
    event_record(
        case=case,
        kind="assessment.recorded",
        actor=actor,
        version=assessment.version,
        stage=stage,
        protection=result.protection_level,
    )
    return assessment
