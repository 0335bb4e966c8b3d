"""Every WebSocket route of the site; each app adds its own `websocket_urlpatterns`."""

from django.urls import URLPattern, URLResolver

from messaging.routing import websocket_urlpatterns as messaging_websockets

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    *messaging_websockets,
]
