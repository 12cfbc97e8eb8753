"""A message shown after an action may name a person ("… now has the role …" with their
e-mail address). Django's default keeps such messages in a cookie that is signed but
readable by anyone who sees it (a proxy log, a shared computer's browser profile); here
they live in the session, which is encrypted at rest."""

from __future__ import annotations

import pytest
from django.test import Client

from victory.accounts.models import Membership

pytestmark = pytest.mark.django_db

EMAIL = "named.in.a.message@test.victory.example"


def test_a_message_naming_a_person_never_travels_in_a_cookie(org_admin_client: Client, org_admin: Membership) -> None:
    url = f"/en/staff/organisations/{org_admin.organisation.pk}/members/"
    response = org_admin_client.post(url, {"email": EMAIL, "full_name": "", "role": "trainer"})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "messages" not in org_admin_client.cookies

    page = org_admin_client.get(url)
    shown = page.content.decode()
    assert EMAIL in shown  # the person still reads the message
    assert all(EMAIL not in morsel.value for morsel in page.cookies.values())
