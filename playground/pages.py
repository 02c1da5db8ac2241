"""HTML pages. Thin: they render templates; anything with logic lives elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET


@require_GET
@ensure_csrf_cookie
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_GET
def csrf(request: HttpRequest) -> JsonResponse:
    """Sets the `csrftoken` cookie and returns it, for API clients (spec/api.md)."""
    return JsonResponse({"csrftoken": get_token(request)})
