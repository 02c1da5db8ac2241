"""Websocket routes, next to `urls.py` for HTTP."""

from django.urls import path

from playground.live.consumers import PulseConsumer

websocket_urlpatterns = [
    path("ws/pulse/<str:channel>/", PulseConsumer.as_asgi()),
]
