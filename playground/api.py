"""The HTTP API (spec/api.md), one NinjaAPI with a router per concern.

Django Ninja checks request bodies against typed schemas and writes the OpenAPI document
(`/api/openapi.json`) from the same definitions. Two things are ours: every error has the
contract's shape `{"error", "details"}`, and CSRF is checked on every unsafe method, for signed-in
and anonymous callers alike (anonymous visitors own topologies too).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from playground.api_schema import with_document_schema
from simulation.format import InvalidDocument

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "CSRF check failed: send the csrftoken cookie and the X-CSRFToken header (GET /api/csrf)"


class CsrfFailed(Exception):
    pass


class CsrfOnUnsafeMethods(AuthBase):
    """Not authentication: anyone may call. It refuses unsafe requests without a valid CSRF token."""

    openapi_type = "apiKey"

    def __init__(self) -> None:
        self.openapi_name = "X-CSRFToken"
        self.openapi_in = "header"
        super().__init__()

    def __call__(self, request: HttpRequest) -> bool:
        if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        return True


class ArchplayAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict:
        return with_document_schema(super().get_openapi_schema(*args, **kwargs))


api = ArchplayAPI(
    title="archplay API",
    version="1",
    description="Topologies, revisions, view links and simulation runs. See spec/api.md.",
    urls_namespace="api",
    auth=CsrfOnUnsafeMethods(),
)


def error_response(
    request: HttpRequest, status: int, error: str, details: list | None = None
) -> HttpResponse:
    return api.create_response(request, {"error": error, "details": details or []}, status=status)


@api.exception_handler(CsrfFailed)
def _csrf_failed(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return error_response(request, 403, CSRF_MESSAGE)


@api.exception_handler(InvalidDocument)
def _invalid_document(request: HttpRequest, exc: InvalidDocument) -> HttpResponse:
    return error_response(request, 400, "invalid document", [problem.to_dict() for problem in exc.problems])


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload"))
        details.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid"))
    return error_response(request, 400, "invalid request", details)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, f"the request is larger than {settings.MAX_DOCUMENT_BYTES} bytes")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "sign in first")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from playground.catalog import router as catalog_router
    from playground.runs.api import router as runs_router
    from playground.topologies.api import router as topologies_router

    api.add_router("", catalog_router)
    api.add_router("", topologies_router)
    api.add_router("", runs_router)


_register_routers()
