"""Login abuse found by the review of issue 7: one client with one working account
must not try passwords on everyone else's by logging in between tries (a success takes
back only its own attempts), and one code cannot let in two requests at once."""

from __future__ import annotations

import dataclasses

import pytest

from tests.factories import PASSWORD, MembershipFactory, current_code
from victory.accounts import services
from victory.accounts.models import AuthenticatorDevice, Membership
from victory.accounts.services import login as login_services
from victory.core.ratelimit import Throttled

pytestmark = pytest.mark.django_db

CLIENT = "one-address"


def _log_in(membership: Membership) -> None:
    user = services.password_check(email=membership.user.email, password=PASSWORD, client=CLIENT)
    device = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    # Each login as if in a later 30-second step: a code is never accepted twice.
    AuthenticatorDevice.objects.filter(pk=device.pk).update(last_t=-1)
    services.second_factor_check(user=user, code=current_code(device), client=CLIENT)


def test_logging_in_between_guesses_does_not_wipe_the_clients_count(
    caseworker: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    throttle = services.CLIENT_THROTTLE
    # The slow-down's waits left out (same keys, same lock), so the test need not sleep.
    # Patched where the login reads it (services.login), not on the re-exporting package.
    monkeypatch.setattr(
        login_services, "CLIENT_THROTTLE", dataclasses.replace(throttle, slowdown_after=throttle.lock_after)
    )
    others = [MembershipFactory() for _ in range(5)]
    guesses = 0
    with pytest.raises(Throttled):
        for _round in range(throttle.lock_after):
            for other in others:  # one guess per account: no account lock is reached
                with pytest.raises(services.AuthenticationFailed):
                    services.password_check(email=other.user.email, password="Summer2026!", client=CLIENT)
                guesses += 1
            _log_in(caseworker)  # the attacker's own, working account
    assert guesses <= throttle.lock_after


def test_a_person_who_logs_in_often_from_one_office_is_not_locked_out(caseworker: Membership) -> None:
    for _ in range(services.CLIENT_THROTTLE.lock_after + 5):
        _log_in(caseworker)


def test_a_code_seen_over_a_shoulder_cannot_be_used_by_a_second_request_at_the_same_time(
    caseworker: Membership,
) -> None:
    """Two requests with the same code, the second reading the device before the first
    saved it (as two servers would): only one passes."""
    user = caseworker.user
    first = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    second = AuthenticatorDevice.objects.get(pk=first.pk)  # loaded before the first one saves
    code = current_code(first)
    assert first.verify_token(code)
    assert not second.verify_token(code)
