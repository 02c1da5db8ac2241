"""Websocket routes, next to `urls.py` for HTTP."""

from django.urls import path

from playground.live.consumers import PulseConsumer
from playground.runs.consumers import RunConsumer

websocket_urlpatterns = [
    path("ws/pulse/<str:channel>/", PulseConsumer.as_asgi()),
    path("ws/runs/<str:run_id>/", RunConsumer.as_asgi()),
]
