"""``{% restorative_links %}``: the restorative programme's entry points for the user on
the professional's "Your work" page, each shown only to whom it answers (the rules are
``victory.restorative.permissions``' and the selectors', asked here, not rewritten)."""

from __future__ import annotations

from typing import Any

from django import template

from victory.accounts.models import User

from .. import selectors

register = template.Library()


@register.inclusion_tag("restorative/staff/_links.html")
def restorative_links(user: User) -> dict[str, Any]:
    return {
        "works_in_programme": selectors.works_in_any_programme(user),
        "supervises": bool(selectors.supervised_organisations(user=user)),
        "refers": bool(selectors.justice_organisations(user=user)),
    }
