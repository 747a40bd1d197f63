"""A server writes the views it counted by itself, every VIEW_FLUSH_SECONDS."""

import time

import pytest

from pm_portfolio.extensions import db
from pm_portfolio.models import ProfileView
from tests.factories import make_user

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}


@pytest.fixture
def app_config():
    return {"VIEW_FLUSH_SECONDS": 1}


def test_a_server_flushes_its_views_by_itself_within_seconds(app, client):
    with app.app_context():
        make_user(username="ada", is_published=True)
    client.get("/u/ada", headers=BROWSER)

    deadline = time.monotonic() + 30
    while not written_views(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert written_views(app) == {"direct": 1}


def written_views(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(db.select(ProfileView.source, ProfileView.count)).all())
