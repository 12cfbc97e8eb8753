"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router.

OpenAPI 3 is served at /api/v1/openapi.json and browsable at /api/v1/docs.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from victory.accounts.api import router as accounts_router
from victory.accounts.services import AuthenticationFailed, Throttled
from victory.core.api import router as core_router
from victory.reports import services as report_services
from victory.reports.api import router as reports_router

api = NinjaAPI(
    title="VicTory API",
    version="1",
    description="Professional and reporter API of VicTory. See docs/api.md.",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/auth/", accounts_router)
api.add_router("/", reports_router)


@api.exception_handler(Throttled)
@api.exception_handler(report_services.Throttled)
def throttled(request: HttpRequest, error: Throttled | report_services.Throttled) -> HttpResponse:
    response = api.create_response(request, {"detail": "Too many attempts. Try again later."}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(AuthenticationFailed)
def authentication_failed(request: HttpRequest, error: AuthenticationFailed) -> HttpResponse:
    return api.create_response(request, {"detail": "Invalid credentials."}, status=401)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request is too large."}, status=413)
