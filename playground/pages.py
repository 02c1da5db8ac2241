"""HTML pages. Thin: they find what to show and render a template; the editor's pages all render
`editor.html` with one JSON configuration that the browser reads (mode, ids, the signed-in user)."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from playground.topologies import selectors
from playground.topologies.ownership import is_owner
from simulation.presets import load_presets

ACCOUNT_URLS = {"login": "/accounts/login/", "signup": "/accounts/signup/", "logout": "/accounts/logout/",
                "mine": "/me"}  # fmt: skip


def _editor(request: HttpRequest, mode: str, **ids: object) -> HttpResponse:
    config = {
        "mode": mode,
        "topology_id": ids.get("topology_id"),
        "revision": ids.get("revision"),
        "share_token": ids.get("share_token"),
        "preset": ids.get("preset"),
        "user": {
            "authenticated": request.user.is_authenticated,
            "username": request.user.get_username() if request.user.is_authenticated else None,
        },
        "urls": ACCOUNT_URLS,
    }
    return render(request, "editor.html", {"config": config, "title": ids.get("title")})


@require_GET
@ensure_csrf_cookie
def editor_new(request: HttpRequest) -> HttpResponse:
    return _editor(request, "new", preset=request.GET.get("preset") or None)


@require_GET
@ensure_csrf_cookie
def editor_topology(request: HttpRequest, topology_id: str) -> HttpResponse:
    topology = selectors.topology_get(topology_id)
    if topology is None:
        raise Http404("no such topology")
    mode = "edit" if is_owner(request, topology) else "readonly"
    return _editor(
        request, mode, topology_id=topology.id, revision=topology.latest_revision, title=topology.name
    )


@require_GET
@ensure_csrf_cookie
def editor_revision(request: HttpRequest, topology_id: str, number: int) -> HttpResponse:
    topology = selectors.topology_get(topology_id)
    if topology is None or selectors.revision_get(topology, number) is None:
        raise Http404("no such revision")
    return _editor(request, "revision", topology_id=topology.id, revision=number, title=topology.name)


@require_GET
@ensure_csrf_cookie
def shared_view(request: HttpRequest, token: str) -> HttpResponse:
    topology = selectors.topology_by_share_token(token)
    if topology is None:
        raise Http404("no topology behind this view link")
    return _editor(request, "view", share_token=token, revision=topology.latest_revision, title=topology.name)


@require_GET
def my_topologies(request: HttpRequest) -> HttpResponse:
    return render(request, "my_topologies.html", {"topologies": selectors.topologies_of(request)})


@require_GET
@ensure_csrf_cookie
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html", {"presets": load_presets()})


@require_GET
@ensure_csrf_cookie
def debug_live(request: HttpRequest) -> HttpResponse:
    """The websocket-and-worker check (static/js/pulse.js), for developers: it exists only while
    DEBUG is on, out of the users' way."""
    if not settings.DEBUG:
        raise Http404("the debug pages exist only while DEBUG is on")
    return render(request, "debug_live.html")


@require_GET
def csrf(request: HttpRequest) -> JsonResponse:
    """Sets the `csrftoken` cookie and returns it, for API clients (spec/api.md)."""
    return JsonResponse({"csrftoken": get_token(request)})
