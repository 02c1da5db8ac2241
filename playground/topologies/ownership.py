"""Who owns what: the signed-in account, or the anonymous owner token in the browser's session.

The token lives in the session's data rather than being the session key, because Django changes
the key on sign-in (against session fixation) but keeps the data: that is how signing in keeps
what the anonymous session owned.
"""

from django.http import HttpRequest

from playground.topologies.models import Topology, new_token

SESSION_OWNER_KEY = "archplay_owner"


def anonymous_owner_token(request: HttpRequest, *, create: bool) -> str:
    token = request.session.get(SESSION_OWNER_KEY, "")
    if not token and create:
        token = new_token()
        request.session[SESSION_OWNER_KEY] = token
    return token


def is_owner(request: HttpRequest, topology: Topology) -> bool:
    if topology.owner_id is not None:
        return request.user.is_authenticated and request.user.pk == topology.owner_id
    token = anonymous_owner_token(request, create=False)
    return bool(token) and token == topology.anonymous_owner


def owner_fields(request: HttpRequest) -> dict:
    """The owner columns of a topology created by this request's visitor."""
    if request.user.is_authenticated:
        return {"owner": request.user, "anonymous_owner": ""}
    return {"owner": None, "anonymous_owner": anonymous_owner_token(request, create=True)}
