from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from victory.accounts.permissions import REPORT_HANDLER_ROLES
from victory.core.forms import AccessibleFormMixin
from victory.core.lists import list_join

from .models import Membership, Role, User
from .services import ROLE_GRANT_REASON_MAX_CHARS


class LoginForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address")},
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(AccessibleFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        error_messages={"required": _("Enter the code from your authenticator app")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input--code",
                "spellcheck": "false",
            }
        ),
    )


class EnrolmentCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The 6-digit code your authenticator app shows for VicTory.")


def _report_roles() -> str:
    return list_join([str(Role(role).label) for role in REPORT_HANDLER_ROLES])


def reason_field(**kwargs: Any) -> forms.CharField:
    """Why a person needs a role that reads reports. The service decides when it is needed
    (``REPORT_HANDLER_ROLES``), so the form does not require it."""
    return forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=ROLE_GRANT_REASON_MAX_CHARS,
        help_text=lazy(
            lambda: (
                _(
                    "Needed for a role that reads victims' reports (%(roles)s): why does this person need it? "
                    "Another administrator approves it before it takes effect."
                )
                % {"roles": _report_roles()}
            ),
            str,
        )(),
        **kwargs,
    )


class MemberAddForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), error_messages={"required": _("Enter the person's e-mail address")}
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, error_messages={"required": _("Choose a role")})
    reason = reason_field(widget=forms.Textarea(attrs={"rows": 3}))


class MemberRoleForm(AccessibleFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    reason = reason_field()


def role_grant_pending_message(*, email: str, role: str) -> str:
    """What the members page and the Django admin say when a role became a request."""
    return gettext(
        "%(email)s will have the role %(role)s once another administrator approves it. "
        "Until then they cannot read reports."
    ) % {"email": email, "role": Role(role).label}


class MembershipAdminForm(forms.ModelForm[Membership]):
    """The Django admin's membership form, with the reason a role that reads reports needs."""

    reason = reason_field(widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role"]


class PasswordResetForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address")},
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm[User]):
    def save(self, commit: bool = True) -> User:
        from . import services

        services.user_password_reset(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class BackupCodesForm(AccessibleFormMixin, forms.Form):
    """New backup codes need the password again: an open session alone is not enough."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("The password you log in with. We ask for it again before making new codes."),
        error_messages={"required": _("Enter your password to make new backup codes")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
