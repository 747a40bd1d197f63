"""A Redis that stops answering costs pages a few timeouts, then nothing, until it is back.

The Redis here is a socket that accepts connections and never replies: a hung server,
the worst case, as every call waits for its timeout.
"""

import secrets
import socket
import threading
import time
from datetime import date

import pytest
import redis

from pm_portfolio import redis_clients
from pm_portfolio.core import analytics
from pm_portfolio.extensions import db
from pm_portfolio.models import ProfileView
from pm_portfolio.models import User
from tests.factories import make_product
from tests.factories import make_user
from tests.infrastructure import make_app

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}


class HungRedis:
    """Accepts connections, reads what is sent, answers nothing; counts connections."""

    def __init__(self):
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self._listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self._listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hung_redis():
    server = HungRedis()
    yield server
    server.close()


@pytest.fixture
def retry_soon(monkeypatch):
    monkeypatch.setattr(redis_clients, "RETRY_SECONDS", 0.5)


def published_maker(app) -> None:
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(maker.id, slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip


def app_on(migrated_database_url, redis_url: str, **overrides):
    return make_app(
        migrated_database_url,
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=redis_url,
        REDIS_URL=redis_url,
        RATELIMIT_STORAGE_URI="memory://",
        **overrides,
    )


def test_pages_stop_waiting_for_a_hung_redis(app, migrated_database_url, hung_redis, retry_soon):
    published_maker(app)
    served = app_on(migrated_database_url, hung_redis.url)
    reader = served.test_client()

    # The first page waits for Redis three times (stamp, stamp kept, view), each
    # once, without retrying, and is served from the database.
    assert reader.get("/u/ada", headers=BROWSER).status_code == 200
    assert len(hung_redis.connections) == redis_clients.FAILURES_TO_OPEN

    for path in ("/u/ada", "/u/ada/bot", "/u/ada", "/u/ada/bot"):
        assert reader.get(path, headers=BROWSER).status_code == 200
    tried = len(hung_redis.connections)
    assert tried == redis_clients.FAILURES_TO_OPEN, "while the breaker is open, Redis is left alone"

    time.sleep(redis_clients.RETRY_SECONDS + 0.1)
    assert reader.get("/u/ada", headers=BROWSER).status_code == 200
    assert len(hung_redis.connections) == tried + 1, "one trial call, and it failed again"


def test_redis_that_answers_again_is_used_again(redis_url, retry_soon):
    breaker = redis_clients.Breaker()
    client = redis.Redis.from_url(redis_url, **redis_clients.connection_options(redis_url, breaker))
    for _ in range(redis_clients.FAILURES_TO_OPEN):
        breaker.failed()
    with pytest.raises(redis_clients.RedisSkipped):
        client.ping()

    time.sleep(redis_clients.RETRY_SECONDS + 0.1)
    assert client.ping() is True
    assert client.ping() is True, "one answer closes the breaker"


def test_a_connection_merely_open_is_no_sign_that_redis_answers(redis_url):
    """The pool "connects" each connection it hands out, even one already open: only a
    reply may reset the count of failures."""
    breaker = redis_clients.Breaker()
    client = redis.Redis.from_url(redis_url, **redis_clients.connection_options(redis_url, breaker))
    assert client.ping() is True
    for _ in range(redis_clients.FAILURES_TO_OPEN - 1):
        breaker.failed()

    client.connection_pool.release(client.connection_pool.get_connection())
    breaker.failed()

    with pytest.raises(redis_clients.RedisSkipped):
        client.ping()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("redis://127.0.0.1:6379/0", redis.Connection),
        ("rediss://cache.example.com:6380/0", redis.SSLConnection),
        ("unix:///run/redis/redis.sock?db=0", redis.UnixDomainSocketConnection),
    ],
)
def test_every_kind_of_redis_address_keeps_its_connection_kind(url, kind):
    options = redis_clients.connection_options(url, redis_clients.Breaker())
    assert issubclass(options["connection_class"], kind)
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.25


def test_views_counted_while_redis_is_refused_wait_in_the_process(app, migrated_database_url,
                                                                  redis_url):  # fmt: skip
    """A server that flushes by itself keeps them, shows them on the dashboard, and
    writes them at its next flush; nothing is lost to a Redis that stalls a moment."""
    published_maker(app)
    prefix = f"pm-portfolio-test-{secrets.token_hex(4)}:"
    served = app_on(
        migrated_database_url, redis_url, CACHE_KEY_PREFIX=prefix, VIEW_FLUSH_SECONDS=3600
    )
    for _ in range(redis_clients.FAILURES_TO_OPEN):
        served.extensions["redis_breaker"].failed()

    reader = served.test_client()
    for _ in range(2):
        assert reader.get("/u/ada", headers=BROWSER).status_code == 200

    with served.app_context():
        owner_id = db.session.scalar(db.select(User.id).where(User.username == "ada"))
        assert sum(analytics.pending_views(owner_id).values()) == 2
        assert analytics.flush_views() == 2
        assert analytics.pending_views(owner_id) == {}
        assert db.session.scalar(db.select(db.func.sum(ProfileView.count))) == 2
    # Closed again now, so the flush at exit, after pytest's logging is gone, says nothing.
    served.extensions["redis_breaker"].succeeded()
