"""factory-boy factories. Models are created through the services where one exists, so
tests see the same invariants and audit events as the platform."""

from __future__ import annotations

import factory
from django_otp.oath import totp

from victory.accounts import services
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, OrganisationKind, Role, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test organisation {n} (fictional)")
    kind = OrganisationKind.VICTIM_SUPPORT
    countries = factory.LazyFunction(lambda: ["PT"])
    accepts_public_reports = True
    is_fictional = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> Organisation:
        return services.organisation_create(actor=None, **kwargs)  # type: ignore[arg-type]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@test.victory.example")
    full_name = "Test Person"

    @classmethod
    def _create(cls, model_class: type, *args: object, password: str = PASSWORD, **kwargs: object) -> User:
        return services.user_create(password=password, **kwargs)  # type: ignore[arg-type]


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> Membership:
        return services.member_add(
            actor=None,
            organisation=kwargs["organisation"],  # type: ignore[arg-type]
            email=kwargs["user"].email,  # type: ignore[attr-defined]
            role=kwargs["role"],  # type: ignore[arg-type]
        )


def current_code(device: AuthenticatorDevice) -> str:
    """The code an authenticator app would show now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
