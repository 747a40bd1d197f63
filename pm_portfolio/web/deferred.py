"""Work done once a response has gone out."""

from collections.abc import Callable

from flask import Response
from flask import after_this_request
from flask import current_app


def after_response(function: Callable, *args, **kwargs) -> None:
    """Call `function(*args, **kwargs)` once this response has gone out, in an app context.

    Slow work (talking to a mail server) then neither delays the page nor shows in its
    timing, which would tell a stranger whether an email address has an account.
    """
    app = current_app._get_current_object()

    @after_this_request
    def schedule(response: Response) -> Response:
        def run() -> None:
            with app.app_context():
                function(*args, **kwargs)

        response.call_on_close(run)
        return response
