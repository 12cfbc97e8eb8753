"""Fill the directory with fictional demo services; safe to run again (nothing is duplicated).

Every service is labelled "(fictional)", uses the reserved demo.victory.example domain and
has no phone number or street address: the only real numbers the platform shows are 112
and 116 006, and those are not services of this directory. Some services have a
description in their country's language, the others only in English, so the page that
says "not yet translated, here is the English text" can be seen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from victory.accounts.demo import DEMO_ORGANISATIONS
from victory.accounts.models import Organisation
from victory.support import services
from victory.support.importing import ServiceRow, TranslationText
from victory.support.models import SupportService

DEMO_DOMAIN = "demo.victory.example"
REVIEWED_ON = date(2026, 11, 1)


def _service(
    slug: str,
    name: str,
    organisation_name: str,
    country: str,
    region: str,
    *,
    offers: list[str],
    groups: list[str],
    languages: list[str],
    channels: list[str],
    en: str,
    local: tuple[str, str] | None = None,
    is_free: bool = True,
    accepts_reports: bool = False,
    opening_hours: str = "",
    accessibility: str = "",
) -> ServiceRow:
    translations = {"en": TranslationText(en, opening_hours, accessibility)}
    if local:
        translations[local[0]] = TranslationText(local[1])
    return ServiceRow(
        slug=slug,
        name=name,
        organisation_name=organisation_name,
        country=country,
        region=region,
        offers=offers,
        groups=groups,
        languages=languages,
        channels=channels,
        email=f"{slug}@{DEMO_DOMAIN}",
        website=f"https://{DEMO_DOMAIN}/{slug}",
        is_free=is_free,
        accepts_reports_via_victory=accepts_reports,
        status="published",
        last_reviewed_on=REVIEWED_ON,
        is_fictional=True,
        translations=translations,
    )


APOIO_LUMEN = "Apoio Lumen — victim support (fictional)"
RED_FARO = "Red Faro — victim support (fictional)"

DEMO_SERVICES = (
    _service(
        "demo-lumen-lisboa",
        "Apoio Lumen Lisboa (fictional)",
        APOIO_LUMEN,
        "PT",
        "Lisboa",
        offers=["emotional", "practical", "legal", "reporting"],
        groups=["racism_xenophobia", "anti_muslim", "anti_roma"],
        languages=["pt", "en", "ar"],
        channels=["email", "chat", "in_person"],
        en="A fictional demo service. Someone listens, explains your rights and helps you report, "
        "whether or not you go to the police.",
        local=(
            "pt",
            "Um serviço fictício de demonstração. Alguém ouve, explica os seus direitos e ajuda a denunciar, "
            "quer vá ou não à polícia.",
        ),
        accepts_reports=True,
        opening_hours="Weekdays, 09:00–18:00 (fictional).",
        accessibility="Step-free entrance (fictional).",
    ),
    _service(
        "demo-lumen-porto",
        "Apoio Lumen Porto (fictional)",
        APOIO_LUMEN,
        "PT",
        "Porto",
        offers=["emotional", "psychological", "interpretation"],
        groups=["anti_lgbti", "gender"],
        languages=["pt", "en"],
        channels=["email", "in_person"],
        en="A fictional demo service offering counselling after hate-motivated abuse, with interpreters on request.",
        accepts_reports=True,
    ),
    _service(
        "demo-casa-abrigo-norte",
        "Casa Abrigo Norte (fictional)",
        "Casa Abrigo Norte (fictional)",
        "PT",
        "Braga",
        offers=["accommodation", "practical"],
        groups=["gender", "anti_lgbti"],
        languages=["pt", "es"],
        channels=["email"],
        en="A fictional demo shelter: a safe place to stay for a few weeks while you decide what comes next.",
    ),
    _service(
        "demo-faro-madrid",
        "Red Faro Madrid (fictional)",
        RED_FARO,
        "ES",
        "Madrid",
        offers=["emotional", "legal", "reporting"],
        groups=["racism_xenophobia", "antisemitism", "anti_muslim"],
        languages=["es", "en", "ar", "fr"],
        channels=["email", "chat", "in_person"],
        en="A fictional demo service. Free legal advice and someone by your side if you decide to report.",
        local=(
            "es",
            "Un servicio ficticio de demostración. Asesoramiento jurídico gratuito y alguien a tu lado si "
            "decides denunciar.",
        ),
        accepts_reports=True,
    ),
    _service(
        "demo-puente-sevilla",
        "Puente Sevilla restorative dialogue (fictional)",
        "Puente Restorative Justice Service (fictional)",
        "ES",
        "Sevilla",
        offers=["restorative_justice", "emotional"],
        groups=["racism_xenophobia", "anti_roma", "other_religion"],
        languages=["es", "en"],
        channels=["email", "in_person"],
        en="A fictional demo service. If you wish, a trained facilitator prepares a safe dialogue with the "
        "person who harmed you; you can stop at any time.",
    ),
    _service(
        "demo-argia-bilbao",
        "Argia Bilbao (fictional)",
        "Argia — victim support (fictional)",
        "ES",
        "Bilbao",
        offers=["emotional", "psychological", "medical"],
        groups=["disability", "anti_lgbti"],
        languages=["eu", "es", "en"],
        channels=["email", "chat"],
        en="A fictional demo service with psychologists who work with people harmed by hate, in Basque and Spanish.",
        local=(
            "eu",
            "Fikziozko erakustaldi-zerbitzu bat. Gorrotoak kaltetutako pertsonekin lan egiten duten psikologoak.",
        ),
        accessibility="Sign-language interpreting on request (fictional).",
    ),
    _service(
        "demo-ponte-milano",
        "Ponte Milano (fictional)",
        "Ponte — victim support (fictional)",
        "IT",
        "Milano",
        offers=["emotional", "legal", "interpretation"],
        groups=["racism_xenophobia", "anti_muslim", "antisemitism"],
        languages=["it", "en", "ar"],
        channels=["email", "in_person"],
        en="A fictional demo service. Advice on your rights and on compensation, with interpreting.",
        local=(
            "it",
            "Un servizio dimostrativo fittizio. Consigli sui tuoi diritti e sul risarcimento, con interpretariato.",
        ),
    ),
    _service(
        "demo-rifugio-roma",
        "Rifugio Roma (fictional)",
        "Rifugio Roma (fictional)",
        "IT",
        "Roma",
        offers=["accommodation", "practical", "medical"],
        groups=["anti_lgbti", "gender"],
        languages=["it", "en"],
        channels=["email"],
        en="A fictional demo service: short-term safe housing and help with practical matters.",
        is_free=False,
    ),
    _service(
        "demo-tuki-helsinki",
        "Tuki Helsinki (fictional)",
        "Tuki — victim support (fictional)",
        "FI",
        "Helsinki",
        offers=["emotional", "practical", "reporting"],
        groups=["racism_xenophobia", "anti_muslim", "other"],
        languages=["fi", "sv", "en", "ar", "so"],
        channels=["email", "chat"],
        en="A fictional demo service. Chat with a volunteer, get help with paperwork and with reporting online hate.",
        local=(
            "fi",
            "Kuvitteellinen esittelypalvelu. Keskustele vapaaehtoisen kanssa ja saa apua ilmoittamiseen.",
        ),
    ),
    _service(
        "demo-silta-tampere",
        "Silta Tampere (fictional)",
        "Silta — restorative service (fictional)",
        "FI",
        "Tampere",
        offers=["restorative_justice"],
        groups=["racism_xenophobia", "disability"],
        languages=["fi", "en"],
        channels=["email", "in_person"],
        en="A fictional demo restorative-justice service: voluntary, safe, and you can stop at any time.",
    ),
    _service(
        "demo-hid-budapest",
        "Híd Budapest (fictional)",
        "Híd — victim support (fictional)",
        "HU",
        "Budapest",
        offers=["emotional", "legal", "reporting", "interpretation"],
        groups=["anti_roma", "antisemitism", "anti_lgbti"],
        languages=["hu", "en", "de"],
        channels=["email", "in_person"],
        en="A fictional demo service giving legal advice and support to people harmed by hate.",
        local=(
            "hu",
            "Kitalált bemutató szolgáltatás. Jogi tanácsadás és támogatás a gyűlölet által sújtott embereknek.",
        ),
    ),
    _service(
        "demo-kapu-debrecen",
        "Kapu Debrecen (fictional)",
        "Kapu (fictional)",
        "HU",
        "Debrecen",
        offers=["psychological", "practical"],
        groups=["anti_roma", "disability"],
        languages=["hu", "en"],
        channels=["email", "chat"],
        en="A fictional demo service with psychologists and practical help close to home.",
    ),
)

# Demo services run by the fictional organisations of seed_demo, when those exist.
LINKED_ORGANISATIONS = {APOIO_LUMEN: "support-pt", RED_FARO: "support-es"}


class Command(BaseCommand):
    help = "Create or refresh about a dozen fictional, published support services for the demo (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo_services refuses to run with VICTORY_ENV=production: the data is fictional.")
        rows = list(DEMO_SERVICES)
        with tqdm(total=len(rows), desc="Demo services", unit="service", disable=options["verbosity"] < 1) as bar:
            result = services.services_import(actor=None, rows=rows, progress=bar.update)
        self._link_organisations()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo services ready: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged (all fictional)."
            )
        )

    def _link_organisations(self) -> None:
        names = {demo.slug: demo.name for demo in DEMO_ORGANISATIONS}
        for row in DEMO_SERVICES:
            slug = LINKED_ORGANISATIONS.get(row.organisation_name)
            organisation = Organisation.objects.filter(name=names[slug]).first() if slug else None
            if organisation is not None:
                service = SupportService.objects.get(slug=row.slug)
                services.service_update(actor=None, service=service, data={"organisation": organisation})
