"""The fictional demo world: organisations and one user for every role.

Nothing here is a real organisation: names say "(fictional)", e-mail addresses use the
reserved .example domain, and no phone number or street address is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import OrganisationKind, Role


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    countries: tuple[str, ...]
    accepts_public_reports: bool
    # Shown to a person choosing who receives their report (main language first).
    languages: tuple[str, ...] = ()
    description: str = ""


DEMO_ORGANISATIONS = (
    DemoOrganisation(
        "support-pt",
        "Apoio Lumen — victim support (fictional)",
        OrganisationKind.VICTIM_SUPPORT,
        ("PT",),
        True,
        ("pt", "en"),
        "Free, confidential support for people harmed by hate crime: someone to talk to, "
        "legal information and help with reporting.",
    ),
    DemoOrganisation(
        "support-es",
        "Red Faro — victim support (fictional)",
        OrganisationKind.VICTIM_SUPPORT,
        ("ES",),
        True,
        ("es", "en", "ar"),
        "Free support for victims of hate crime: emotional support, legal advice "
        "and help with reporting to the police.",
    ),
    DemoOrganisation(
        "police-pt",
        "Northbridge Police Hate Crime Unit (fictional)",
        OrganisationKind.POLICE,
        ("PT",),
        False,
        ("pt",),
        "The police unit that looks into hate crime.",
    ),
    DemoOrganisation(
        "rj-es",
        "Puente Restorative Justice Service (fictional)",
        OrganisationKind.RESTORATIVE_JUSTICE,
        ("ES",),
        False,
        ("es",),
        "Restorative dialogue between the person harmed and the person responsible, only when both agree.",
    ),
    DemoOrganisation(
        "prosecution-pt",
        "Northbridge Public Prosecution Office (fictional)",
        OrganisationKind.PROSECUTION,
        ("PT",),
        False,
        ("pt",),
        "Brings criminal cases to court.",
    ),
)

# (e-mail local part, organisation slug, role). Caseworkers and supervisors in two organisations.
DEMO_USERS = (
    ("caseworker.pt", "support-pt", Role.CASEWORKER),
    ("supervisor.pt", "support-pt", Role.SUPERVISOR),
    ("admin.pt", "support-pt", Role.ORG_ADMIN),
    ("caseworker.es", "support-es", Role.CASEWORKER),
    ("supervisor.es", "support-es", Role.SUPERVISOR),
    ("analyst.es", "support-es", Role.ANALYST),
    ("trainer.es", "support-es", Role.TRAINER),
    ("liaison.police", "police-pt", Role.JUSTICE_LIAISON),
    ("admin.police", "police-pt", Role.ORG_ADMIN),
    ("facilitator.rj", "rj-es", Role.FACILITATOR),
    ("facilitator2.rj", "rj-es", Role.FACILITATOR),
    ("supervisor.rj", "rj-es", Role.SUPERVISOR),
    ("liaison.prosecution", "prosecution-pt", Role.JUSTICE_LIAISON),
)
DEMO_PLATFORM_ADMIN = "platform.admin"
DEMO_EMAIL_DOMAIN = "demo.victory.example"
