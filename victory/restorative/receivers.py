"""What the restorative programme does when a case's referral changes.

A referral "for a restorative process" to a restorative-justice service opens the
programme's referral; when that referral ends (the person withdrew the consent it rested
on, or the sender revoked it) the process halts at once, as a participant's withdrawal
does: the service no longer holds the person's agreement to work with their case."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from victory.cases.models import Referral, ReferralStatus


@receiver(post_save, sender=Referral, dispatch_uid="restorative.referral_followed")
def referral_followed(sender: Any, *, instance: Referral, created: bool, **kwargs: Any) -> None:
    from . import services

    if created:
        services.process_from_case_referral(referral=instance)
    elif instance.status == ReferralStatus.REVOKED:
        services.process_halt_for_referral_end(referral=instance)
