from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from victory.core.forms import AccessibleFormMixin

from .models import Role


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
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].help_text = _("The 6-digit code your authenticator app shows for VicTory.")


class MemberAddForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), error_messages={"required": _("Enter the person's e-mail address")}
    )
    full_name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, error_messages={"required": _("Choose a role")})


class MemberRoleForm(AccessibleFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PasswordResetForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address")},
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm):
    def save(self, commit: bool = True):  # type: ignore[no-untyped-def]
        from . import services

        services.user_password_reset(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user
