"""factory-boy factories. Models are created through the services where one exists, so
tests see the same invariants and audit events as the platform."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from django_otp.oath import totp
from factory.declarations import LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory

from victory.accounts import services
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, OrganisationKind, Role, User
from victory.reports import services as report_services
from victory.reports.models import CountryIntake
from victory.reports.services import ReportDraft, SubmittedReport
from victory.support import content_services
from victory.support import services as support_services
from victory.support.models import ContentKind, ContentPage, ContentTranslation, PublicationStatus, SupportService

PASSWORD = "correct horse battery staple"

if TYPE_CHECKING:

    class ModelFactory[M](DjangoModelFactory[M]):
        # Calling a factory makes its model (factory-boy's metaclass does it, untyped): said
        # here, mypy knows OrganisationFactory() is an Organisation. (The ignore: __new__
        # returning something other than the class is what mypy is asked to accept.)
        def __new__(cls, **kwargs: Any) -> M: ...  # type: ignore[misc]

else:
    ModelFactory = DjangoModelFactory


class OrganisationFactory(ModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = Sequence(lambda n: f"Test organisation {n} (fictional)")
    kind = OrganisationKind.VICTIM_SUPPORT
    countries = LazyFunction(lambda: ["PT"])
    accepts_public_reports = True
    is_fictional = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Organisation:
        return services.organisation_create(actor=None, **kwargs)


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User

    email = Sequence(lambda n: f"person{n}@test.victory.example")
    full_name = "Test Person"

    @classmethod
    def _create(cls, model_class: type, *args: object, password: str = PASSWORD, **kwargs: Any) -> User:
        return services.user_create(password=password, **kwargs)


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    user = SubFactory(UserFactory)
    organisation = SubFactory(OrganisationFactory)
    role = Role.CASEWORKER

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Membership:
        membership = services.member_add(
            actor=None,
            organisation=kwargs["organisation"],
            email=kwargs["user"].email,
            role=kwargs["role"],
        )
        # With no actor there is nobody to approve a role, so it is given at once.
        assert isinstance(membership, Membership)
        return membership


def current_code(device: AuthenticatorDevice) -> str:
    """The code an authenticator app would show now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


# --- Reports, directory services and content pages, through their services -------------
# Plain functions: each of these objects is made by a service that takes keyword
# arguments and returns more than the model (a report comes with its receipt), which a
# DjangoModelFactory would hide. Every call makes a new, distinct object.

_numbers = itertools.count(1)


def report_draft(**answers: Any) -> ReportDraft:
    """What a reporter typed: a complete report for Portugal unless ``answers`` say otherwise."""
    values: dict[str, Any] = {
        "narrative": "Two men shouted insults about my headscarf and pushed me at the bus stop.",
        "country": "PT",
        "reporter_role": "victim",
        "bias_motivations": ["anti_muslim", "gender"],
        "incident_types": ["violent_attack"],
        "consents": {"contact": True, "statistics": True},
        "language": "en",
    }
    values.update(answers)
    return ReportDraft(**values)


def make_report(*, organisation: Organisation | None = None, **answers: Any) -> SubmittedReport:
    """A report sent through ``report_submit``, with its receipt. With ``organisation``
    it goes there (made the intake of the report's country if nobody receives it yet)."""
    if organisation is not None:
        country = str(answers.get("country", "PT")).upper()
        if not CountryIntake.objects.filter(country=country).exists():
            report_services.country_intake_set(actor=None, country=country, organisation=organisation)
        answers.setdefault("organisation_id", organisation.pk)
    return report_services.report_submit(draft=report_draft(**answers))


def make_support_service(
    *,
    country: str = "PT",
    published: bool = True,
    description: str = "Someone listens and explains your rights.",
    **fields: Any,
) -> SupportService:
    """A directory entry with an English description, published unless told otherwise."""
    number = next(_numbers)
    values: dict[str, Any] = {
        "slug": f"test-service-{number}",
        "name": f"Test support service {number} (fictional)",
        "organisation_name": f"Test support organisation {number} (fictional)",
        "country": country,
        "offers": ["emotional", "legal"],
        "languages": ["en", "pt"],
        "channels": ["email"],
        "email": f"service{number}@test.victory.example",
        "is_fictional": True,
    }
    values.update(fields)
    service = support_services.service_create(actor=None, **values)
    support_services.service_translation_set(actor=None, service=service, language="en", description=description)
    if published:
        service = support_services.service_publish(actor=None, service=service)
    return service


def make_content_page(
    *, kind: str = ContentKind.RIGHT, languages: tuple[str, ...] = ("en",), published: bool = True, **fields: Any
) -> ContentPage:
    """A rights page (or explainer) with a text in each of ``languages``."""
    number = next(_numbers)
    page = ContentPage(slug=f"test-page-{number}", kind=kind, order=100 + number, **fields)
    content_services.content_object_save(actor=None, instance=page)
    for language in languages:
        text = ContentTranslation(
            page=page,
            language=language,
            title=f"Test page {number} ({language})",
            summary="What this page is about.",
            body="What this right means for you.\n\n- One thing you can do.",
            status=PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT,
        )
        content_services.content_object_save(actor=None, instance=text)
    return page
