"""Error answers: JSON `{"error", "details"}` for API paths (the contract), plain pages elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, error: str, details: list | None = None) -> JsonResponse:
    return JsonResponse({"error": error, "details": details or []}, status=status)


def _answer(request: HttpRequest, status: int, error: str) -> HttpResponse:
    if is_api(request):
        return json_error(status, error)
    return render(request, "error.html", {"status": status, "error": error}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 400, "bad request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 403, "forbidden")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404, "not found")


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500, "internal error")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = "CSRF check failed: send the csrftoken cookie and the X-CSRFToken header (GET /api/csrf)"
    if is_api(request):
        return json_error(403, message, [reason] if reason else [])
    return render(request, "error.html", {"status": 403, "error": message}, status=403)
