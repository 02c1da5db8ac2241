from django.urls import path

from playground import errors, health, pages
from playground.live import api as live_api

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("api/csrf", pages.csrf, name="api-csrf"),
    path("api/pulse", live_api.pulse_start, name="api-pulse"),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error
