"""The Django admin, for platform administrators only, behind two-factor authentication."""

from django.http import HttpRequest
from django_otp.admin import OTPAdminSite


class VicToryAdminSite(OTPAdminSite):
    site_header = "VicTory administration"
    site_title = "VicTory administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(super().has_permission(request) and getattr(user, "is_platform_admin", False))


admin_site = VicToryAdminSite(name="admin")
