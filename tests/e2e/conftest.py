"""Browser tests: Debian's Chromium, driven by Playwright, against a live server per test."""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from tests.infrastructure import skip_or_fail

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Chromium's calls home fail on a closed network and slow every start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM_PATH.exists():
        skip_or_fail(
            f"Chromium not found at {CHROMIUM_PATH}: install it (apt-get install chromium) "
            "or point CHROMIUM_PATH at it"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM_PATH),
        "args": CHROMIUM_FLAGS,
    }


class _ForgivingReader:
    """A request's input stream on which a reset connection reads as its end."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, *args):
        try:
            return self._stream.read(*args)
        except ConnectionError:
            return b""

    def readline(self, *args):
        try:
            return self._stream.readline(*args)
        except ConnectionError:
            return b""

    def __getattr__(self, name):
        return getattr(self._stream, name)


class ClosingRequestHandler(WSGIRequestHandler):
    """Werkzeug's development handler, except that a browser resetting the connection
    once it has its response (Chromium does, after a redirect) no longer skips the
    response's close(). Werkzeug reads the socket once more before calling it, and a
    reset there raised past the call, and a static file stayed open."""

    def setup(self) -> None:
        super().setup()
        self.rfile = _ForgivingReader(self.rfile)


@pytest.fixture
def live_server(app):
    """Serve the test's app on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=ClosingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()
