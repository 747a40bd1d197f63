"""The WSGI entry point: `flask --app app run` and `gunicorn app:app`."""

from pm_portfolio import create_app

app = create_app()
