from django.http import HttpRequest

from playground.topologies.ownership import SESSION_OWNER_KEY
from playground.topologies.services import topologies_claim


def claim_anonymous_topologies(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """On sign-in, the account takes over what this browser's anonymous session owned."""
    if request is None or not hasattr(request, "session"):
        return
    topologies_claim(anonymous_owner=request.session.get(SESSION_OWNER_KEY, ""), user=user)
