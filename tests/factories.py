"""factory-boy factories. Models are created through the services where one exists, so
tests see the same invariants and audit events as the platform."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django_otp.oath import totp
from factory.declarations import LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory

from victory.accounts import services
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, OrganisationKind, Role, User

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
