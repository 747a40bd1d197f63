import stat

import pytest
from sqlalchemy import text

from pm_portfolio import create_app
from pm_portfolio.config import ConfigError
from pm_portfolio.config import build_config
from pm_portfolio.config import load_or_create_secret_key
from pm_portfolio.config import normalise_database_url
from pm_portfolio.extensions import db

PRODUCTION = {
    "PM_PORTFOLIO_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "MAIL_URL": "smtp+starttls://app:secret@smtp.example.com:587",
}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"),
        ("postgresql://u:p@db/app", "postgresql+psycopg://u:p@db/app"),
        ("postgresql+psycopg://u@db/app", "postgresql+psycopg://u@db/app"),
        ("sqlite:////srv/app.sqlite3", "sqlite:////srv/app.sqlite3"),
    ],
)
def test_database_urls_use_psycopg_3_for_postgresql(given, expected):
    assert normalise_database_url(given) == expected


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    config = build_config({"SECRET_KEY": "k"}, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'pm_portfolio.sqlite3'}"


def test_database_url_comes_from_the_environment(tmp_path):
    config = build_config({"SECRET_KEY": "k", "DATABASE_URL": "postgres://db/app"}, tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/app"


def test_development_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = build_config({}, tmp_path)["SECRET_KEY"]
    second = build_config({}, tmp_path)["SECRET_KEY"]

    assert first == second
    assert len(first) >= 48
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_or_create_secret_key(tmp_path) == first


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        build_config({"PM_PORTFOLIO_ENV": "production"}, tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_create_app_refuses_production_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("PM_PORTFOLIO_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PM_PORTFOLIO_ENV=production"):
        create_app()


def test_cookies_are_httponly_and_lax_and_secure_in_production(tmp_path):
    development = build_config({"SECRET_KEY": "k"}, tmp_path)
    production = build_config(
        {**PRODUCTION, "PUBLIC_URL": "https://p.example", "REDIS_URL": "redis://c"}, tmp_path
    )

    for config in (development, production):
        assert config["SESSION_COOKIE_HTTPONLY"] is True
        assert config["REMEMBER_COOKIE_HTTPONLY"] is True
        assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert development["SESSION_COOKIE_SECURE"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["REMEMBER_COOKIE_SECURE"] is True


def test_production_needs_the_public_address(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        build_config({**PRODUCTION, "REDIS_URL": "redis://cache:6379/0"}, tmp_path)


@pytest.mark.parametrize(
    "url", ["portfolio.example.com", "ftp://portfolio.example.com", "https://x.example/app",
            "https://x.example:port", "https://"],
)  # fmt: skip
def test_a_public_url_must_be_a_site_address(tmp_path, url):
    with pytest.raises(ConfigError, match="is not a site address"):
        build_config({"PUBLIC_URL": url}, tmp_path)


def test_production_trusts_only_the_public_host(tmp_path):
    config = build_config(
        {**PRODUCTION, "PUBLIC_URL": "https://portfolio.example.com/", "REDIS_URL": "redis://c"},
        tmp_path,
    )
    assert config["PUBLIC_URL"] == "https://portfolio.example.com"
    assert config["TRUSTED_HOSTS"] == ["portfolio.example.com"]
    listed = build_config(
        {**PRODUCTION, "PUBLIC_URL": "https://p.example", "REDIS_URL": "redis://c",
         "TRUSTED_HOSTS": "p.example, internal.lb"},
        tmp_path,
    )  # fmt: skip
    assert listed["TRUSTED_HOSTS"] == ["p.example", "internal.lb"]


def test_production_needs_shared_rate_limits_unless_memory_is_chosen(tmp_path):
    environ = {**PRODUCTION, "PUBLIC_URL": "https://portfolio.example.com"}
    with pytest.raises(ConfigError, match="REDIS_URL is not set"):
        build_config(environ, tmp_path)
    chosen = build_config({**environ, "RATELIMIT_STORAGE_URI": "memory://"}, tmp_path)
    assert chosen["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("value", "enabled"),
    [("true", True), ("on", True), ("1", True), ("false", False), ("no", False)],
)
def test_yes_no_settings_take_the_usual_words(tmp_path, value, enabled):
    config = build_config({"RATELIMIT_ENABLED": value}, tmp_path)
    assert config["RATELIMIT_ENABLED"] is enabled


def test_a_mistyped_yes_no_setting_stops_the_app(tmp_path):
    with pytest.raises(ConfigError, match="RATELIMIT_ENABLED='ture' is not a yes or no"):
        build_config({"RATELIMIT_ENABLED": "ture"}, tmp_path)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp+starttls://app%40x.org:p%40ss@smtp.example.com",
         ("smtp.example.com", 587, "app@x.org", "p@ss", True, False)),
        ("smtps://app:secret@smtp.example.com",
         ("smtp.example.com", 465, "app", "secret", False, True)),
        ("smtp://localhost:2525", ("localhost", 2525, None, None, False, False)),
    ],
)  # fmt: skip
def test_mail_url_sets_the_smtp_settings(tmp_path, url, expected):
    config = build_config({"MAIL_URL": url}, tmp_path)
    assert config["MAIL_BACKEND"] == "smtp"
    assert (
        config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USERNAME"],
        config["MAIL_PASSWORD"], config["MAIL_USE_TLS"], config["MAIL_USE_SSL"],
    ) == expected  # fmt: skip


def test_development_prints_email_without_a_mail_server(tmp_path):
    assert build_config({}, tmp_path)["MAIL_BACKEND"] == "console"


def test_production_needs_a_way_to_send_email(tmp_path):
    environ = {**PRODUCTION, "PUBLIC_URL": "https://p.example", "REDIS_URL": "redis://c"}
    del environ["MAIL_URL"]
    with pytest.raises(ConfigError, match="No mail server is set"):
        build_config(environ, tmp_path)
    assert build_config({**environ, "MAIL_BACKEND": "dummy"}, tmp_path)["MAIL_BACKEND"] == "dummy"


@pytest.mark.parametrize("name", ["PROXY_COUNT", "PUBLIC_PAGE_CACHE_MB", "MAIL_PORT"])
def test_a_number_setting_that_is_not_a_number_stops_the_app(tmp_path, name):
    environ = {name: "two", "MAIL_SERVER": "smtp.example.com"}
    with pytest.raises(ConfigError, match=f"{name}='two' is not a whole number"):
        build_config(environ, tmp_path)


def test_views_flushed_only_by_the_command_need_redis(tmp_path):
    with pytest.raises(ConfigError, match="VIEW_FLUSH_SECONDS=0 needs REDIS_URL"):
        build_config({"VIEW_FLUSH_SECONDS": "0"}, tmp_path)

    config = build_config({"VIEW_FLUSH_SECONDS": "0", "REDIS_URL": "redis://c"}, tmp_path)
    assert config["VIEW_FLUSH_SECONDS"] == 0
