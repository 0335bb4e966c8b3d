"""Every WebSocket route of the site; each app adds its own `websocket_urlpatterns`."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
