"""Work deferred past a request: run in a thread of its own once the request is done,
never delaying the response, never lost when the client resets the connection, and not
started at all for a request that failed."""

import socket
import struct
import threading

from flask import Flask
from flask import redirect
from werkzeug.serving import make_server

from pm_portfolio.web.deferred import after_response
from pm_portfolio.web.deferred import init_deferred_work
from pm_portfolio.web.deferred import wait_for_deferred_work


def deferring_app(work) -> Flask:
    """A bare app whose pages defer `work`: "/" answers a page, "/go" a redirect, and
    "/fail" fails after deferring."""
    app = Flask(__name__)
    init_deferred_work(app)

    @app.get("/")
    def page():
        after_response(work, "page")
        return "done"

    @app.get("/go")
    def go():
        after_response(work, "redirect")
        return redirect("/")

    @app.get("/fail")
    def fail():
        after_response(work, "failed")
        raise RuntimeError("the request failed")

    return app


def test_the_response_does_not_wait_for_the_work():
    release = threading.Event()
    done = []

    def slow_work(name):
        release.wait(10)
        done.append(name)

    response = deferring_app(slow_work).test_client().get("/")

    assert response.get_data(as_text=True) == "done"
    assert done == []
    release.set()
    wait_for_deferred_work(timeout=10)
    assert done == ["page"]


def test_a_failed_request_starts_none_of_its_work():
    done = []
    response = deferring_app(done.append).test_client().get("/fail")
    wait_for_deferred_work(timeout=10)
    assert response.status_code == 500
    assert done == []


def test_outside_a_request_being_answered_the_work_runs_at_once():
    """A job drawing a letter in a request context of its own (for its links) runs the
    work there and then: its worker ends without ending that context."""
    done = []
    app = deferring_app(done.append)
    with app.test_request_context("/"):
        after_response(done.append, "in a job")
        assert done == ["in a job"]


def test_a_client_resetting_the_connection_after_a_redirect_loses_no_work():
    done = threading.Event()
    server = make_server("127.0.0.1", 0, deferring_app(lambda _name: done.set()), threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        with socket.create_connection(("127.0.0.1", server.server_port)) as connection:
            connection.sendall(b"GET /go HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert connection.recv(4096).startswith(b"HTTP/1.1 302")
            # Close with a reset (RST), as a browser may once it has its response.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert done.wait(10)
    finally:
        server.shutdown()
        server.server_close()
