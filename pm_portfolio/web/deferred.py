"""Work done once a request's own work is done, in a thread of its own.

Slow work (talking to a mail server) then neither delays the page nor shows in its
timing, which would tell a stranger whether an email address has an account.

The thread starts as the request's app context ends, after its database session is
closed, rather than when the server closes the response: a server may skip that close
when the client resets the connection (Werkzeug's development server does), and the
work would be lost. A request that failed with an error starts none of its work.
"""

import logging
import threading
from collections.abc import Callable
from functools import partial

from flask import Flask
from flask import appcontext_tearing_down
from flask import g
from flask import has_request_context
from flask import request

logger = logging.getLogger(__name__)

_WORK = "deferred_work"
_ANSWERING = "pm_portfolio.answering"
_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def after_response(function: Callable, *args, **kwargs) -> None:
    """Call `function(*args, **kwargs)` once this request is done, in an app context;
    outside a request the server is answering (a command, a job drawing a letter in a
    request context of its own), now."""
    task = partial(function, *args, **kwargs)
    if has_request_context() and request.environ.get(_ANSWERING):
        g.setdefault(_WORK, []).append(task)
    else:
        task()


def init_deferred_work(app: Flask) -> None:
    app.before_request(_mark_answering)
    appcontext_tearing_down.connect(_start_work, app)


def _mark_answering() -> None:
    # Only a request being answered ends with its own app context, which starts the
    # work; a job's request context, within the worker's app context, never ends so.
    request.environ[_ANSWERING] = True


def _start_work(app: Flask, exc: BaseException | None = None, **_extra) -> None:
    work = g.pop(_WORK, None)
    if not work:
        return
    if exc is not None:
        logger.warning("%s deferred task(s) not started: the request failed", len(work))
        return
    # Not a daemon: a server process shutting down waits for the email to go.
    thread = threading.Thread(target=_run, args=(app, work), name="deferred-work")
    with _running_lock:
        _running.add(thread)
    thread.start()


def _run(app: Flask, work: list[Callable[[], object]]) -> None:
    try:
        with app.app_context():
            for task in work:
                try:
                    task()
                except Exception:
                    logger.exception("deferred work failed")
    finally:
        with _running_lock:
            _running.discard(threading.current_thread())


def wait_for_deferred_work(timeout: float | None = None) -> None:
    """Wait until the work started so far is done (tests look at its result)."""
    with _running_lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)
