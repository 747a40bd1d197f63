"""A Redis that stops answering costs pages a few timeouts, then nothing, until it is back.

The Redis here is a socket that accepts connections and never replies: a hung server,
the worst case, as every call waits for its timeout.
"""

import socket
import threading
import time
from datetime import date

import pytest

from pm_portfolio import redis_clients
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


def app_on(migrated_database_url, redis_url: str):
    app = make_app(
        migrated_database_url,
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=redis_url,
        REDIS_URL=redis_url,
        RATELIMIT_STORAGE_URI="memory://",
    )
    with app.app_context():
        maker = make_user(username="ada", is_published=True)
        make_product(maker.id, slug="bot", visibility="public", status="shipped",
                     shipped_on=date(2026, 3, 1))  # fmt: skip
    return app


def test_pages_stop_waiting_for_a_hung_redis(app, migrated_database_url, hung_redis, retry_soon):
    served = app_on(migrated_database_url, hung_redis.url)
    reader = served.test_client()
    for _ in range(2):
        assert reader.get("/u/ada", headers=BROWSER).status_code == 200
    tried = len(hung_redis.connections)
    assert tried == redis_clients.FAILURES_TO_OPEN

    for path in ("/u/ada", "/u/ada/bot", "/u/ada", "/u/ada/bot"):
        assert reader.get(path, headers=BROWSER).status_code == 200
    assert len(hung_redis.connections) == tried, "while the breaker is open, Redis is left alone"

    time.sleep(redis_clients.RETRY_SECONDS + 0.1)
    assert reader.get("/u/ada", headers=BROWSER).status_code == 200
    assert len(hung_redis.connections) == tried + 1, "one trial call, and it failed again"


def test_redis_that_answers_again_is_used_again(app, migrated_database_url, redis_url, retry_soon):
    served = app_on(migrated_database_url, redis_url)
    breaker = served.extensions["redis_breaker"]
    for _ in range(redis_clients.FAILURES_TO_OPEN):
        breaker.failed()
    with served.app_context():
        store = served.extensions["view_buffer"]
        with pytest.raises(redis_clients.RedisSkipped):
            store.client.ping()

        time.sleep(redis_clients.RETRY_SECONDS + 0.1)
        assert store.client.ping() is True
        assert store.client.ping() is True, "one answer closes the breaker"
