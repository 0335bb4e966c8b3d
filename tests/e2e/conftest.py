"""Browser tests: real Chromium (Debian's), driven by Playwright, against the live server."""

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous calls, so Django's async-safety guard stands aside,
    # for browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AsgiServer:
    """The real ASGI application (HTTP and WebSockets) served by uvicorn in a thread.

    pytest-django's `live_server` speaks WSGI only, so pages that open the messaging socket
    (every page, for the unread badge) would fail their handshakes there. This server shares
    the test database, the in-memory channel layer and the locmem mail outbox, and can be
    stopped and started again on the same port (a restart, as far as browsers can tell).
    """

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        from ucs.asgi import application

        self.server = uvicorn.Server(
            uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
        self.server = self.thread = None


@pytest.fixture
def asgi_live_server(transactional_db) -> Iterator[AsgiServer]:
    server = AsgiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def new_page(browser, asgi_live_server):
    """Open pages in fresh browser contexts (one per person); all closed afterwards."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=asgi_live_server.url
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()
