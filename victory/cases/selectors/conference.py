"""Reading case conferences: one conference for whoever may read it, a case's
conferences for the case page, the conferences an organisation was invited to."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from victory.accounts.models import User

from ..models import CaseConference, ConferenceAction, Referral, organisations_receiving_for
from ..permissions import can_read_conference


def _with_plan(conferences: QuerySet[CaseConference]) -> QuerySet[CaseConference]:
    return conferences.select_related("case", "case__organisation", "case__report", "convened_by").prefetch_related(
        "organisations", Prefetch("actions", queryset=ConferenceAction.objects.select_related("owner", "done_by"))
    )


def conference_get(*, user: User, pk: int) -> CaseConference:
    """The conference, if ``user`` may read it (the case's side or an invited
    organisation's receivers); else 404, whether it exists or not."""
    conference = _with_plan(CaseConference.objects.filter(pk=pk)).first()
    if conference is None or not can_read_conference(user, conference):
        raise Http404
    return conference


def conference_list_for_case(*, case_id: int) -> QuerySet[CaseConference]:
    """A case's conferences (call after the case rule was checked)."""
    return _with_plan(CaseConference.objects.filter(case_id=case_id))


def conference_list_invited(*, user: User) -> QuerySet[CaseConference]:
    """Conferences an organisation where ``user`` receives referrals was invited to,
    while a referral of the case to it is in force (as ``conference_get``)."""
    receiving = organisations_receiving_for(user)
    shared = Referral.objects.in_force().filter(case_id=OuterRef("case_id"), recipient_id__in=receiving)
    return _with_plan(CaseConference.objects.filter(organisations__in=receiving).filter(Exists(shared)).distinct())
