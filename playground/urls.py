from django.contrib.auth import views as auth_views
from django.urls import path

from playground import errors, health, pages
from playground.accounts import views as account_views
from playground.api import api
from playground.live import api as live_api

urlpatterns = [
    path("", pages.editor_new, name="editor-new"),
    path("t/<str:topology_id>", pages.editor_topology, name="editor"),
    path("t/<str:topology_id>/r/<int:number>", pages.editor_revision, name="editor-revision"),
    path("v/<str:token>", pages.shared_view, name="shared-view"),
    path("me", pages.my_topologies, name="my-topologies"),
    path("about", pages.about, name="about"),
    path("debug/live", pages.debug_live, name="debug-live"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("api/csrf", pages.csrf, name="api-csrf"),
    path("api/pulse", live_api.pulse_start, name="api-pulse"),
    path("api/", api.urls),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
