"""Keeps every error on an API path JSON, including those Django answers before any view runs
(405 from `require_POST`, for example), as the contract requires; and refuses an API request body
over the document size limit before reading it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from playground.errors import is_api, json_error


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiErrorsAsJson:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and _declared_length(request) > settings.MAX_DOCUMENT_BYTES:
            return json_error(413, f"the request is larger than {settings.MAX_DOCUMENT_BYTES} bytes")
        response = self.get_response(request)
        if response.status_code < 400 or not is_api(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        message = {405: "method not allowed", 413: "request too large"}.get(
            response.status_code, response.reason_phrase.lower()
        )
        details = []
        if response.status_code == 405 and response.get("Allow"):
            details.append(f"allowed: {response['Allow']}")
        replacement = json_error(response.status_code, message, details)
        for header in ("Allow",):
            if response.get(header):
                replacement[header] = response[header]
        return replacement


__all__ = ["ApiErrorsAsJson"]
