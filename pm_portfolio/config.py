"""Settings read from the environment, with safe defaults for development."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from pm_portfolio.flags import parse_flag

PRODUCTION = "production"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
SQLITE_FILE = "pm_portfolio.sqlite3"
MEGABYTE = 1024 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


def normalise_database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever scheme the host gave us."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _number(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{name}={value!r} is not a whole number.")
    return int(value)


def normalise_public_url(url: str) -> str:
    """`https://host[:port]` from PUBLIC_URL, or "" when unset; anything else is refused."""
    url = url.strip().rstrip("/")
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        valid_port = parts.port is None or parts.port > 0
    except ValueError:
        valid_port = False
    if (
        not valid_port
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or (parts.path or parts.query or parts.fragment)
    ):
        raise ConfigError(
            f"PUBLIC_URL={url!r} is not a site address: write it like "
            "https://portfolio.example.com (scheme and host, a port if needed, no path)."
        )
    return url


def load_or_create_secret_key(instance_path: str | Path) -> str:
    """Keep one random development key per checkout, so sessions survive restarts."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Created with owner-only permissions: the key signs every session cookie.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    if name not in environ:
        return default
    value = parse_flag(environ[name])
    if value is None:
        raise ConfigError(f"{name}={environ[name]!r} is not a yes or no; use true or false.")
    return value


MAIL_URL_SCHEMES = {"smtp": (False, False), "smtp+starttls": (True, False), "smtps": (False, True)}


DEFAULT_MAIL_RETRIES = (60, 120, 300, 900, 1800, 3600, 7200, 7200)


def _seconds_list(environ: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple:
    """Comma-separated whole seconds, e.g. MAIL_RETRY_SECONDS=60,300,3600."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = tuple(int(part) for part in value.split(","))
    except ValueError:
        seconds = ()
    if not seconds or min(seconds) < 1:
        raise ConfigError(f"{name} must be whole seconds separated by commas, e.g. 60,300,3600.")
    return seconds


def mail_settings(environ: Mapping[str, str], public_url: str, production: bool) -> dict[str, Any]:
    """Flask-Mailman's settings, from MAIL_URL or the MAIL_* variables.

    MAIL_URL is `smtp+starttls://user:password@host:587` (STARTTLS), `smtps://…:465`
    (TLS from the start) or `smtp://host:25` (a local relay). Without a mail server,
    development prints messages on the console; production must choose one (the
    caller checks), or MAIL_BACKEND=dummy to send nothing knowingly.
    """
    host = urlsplit(public_url).hostname if public_url else "localhost"
    settings: dict[str, Any] = {
        "MAIL_DEFAULT_SENDER": environ.get(
            "MAIL_DEFAULT_SENDER", f"PM Portfolio <no-reply@{host}>"
        ),
        "MAIL_TIMEOUT": 10,
        # The right-hand side of each letter's Message-ID: the site's own host.
        "MAIL_MESSAGE_ID_DOMAIN": host,
        # A queued letter's tries after the first: 8 over about six hours.
        "MAIL_RETRY_SECONDS": _seconds_list(environ, "MAIL_RETRY_SECONDS", DEFAULT_MAIL_RETRIES),
        # How long a letter that failed every try stays listed (`flask mail failed`).
        "MAIL_FAILED_KEPT_SECONDS": 30 * 24 * 3600,
    }
    if url := environ.get("MAIL_URL", "").strip():
        parts = urlsplit(url)
        if parts.scheme not in MAIL_URL_SCHEMES or not parts.hostname:
            raise ConfigError(
                "MAIL_URL must look like smtp+starttls://user:password@smtp.example.com:587, "
                "smtps://…:465 or smtp://localhost:25."
            )
        use_tls, use_ssl = MAIL_URL_SCHEMES[parts.scheme]
        settings.update(
            MAIL_BACKEND="smtp",
            MAIL_SERVER=parts.hostname,
            MAIL_PORT=parts.port or (465 if use_ssl else 587 if use_tls else 25),
            MAIL_USERNAME=unquote(parts.username or "") or None,
            MAIL_PASSWORD=unquote(parts.password or "") or None,
            MAIL_USE_TLS=use_tls,
            MAIL_USE_SSL=use_ssl,
        )
    elif server := environ.get("MAIL_SERVER", "").strip():
        settings.update(
            MAIL_BACKEND="smtp",
            MAIL_SERVER=server,
            MAIL_PORT=_number(environ, "MAIL_PORT", default=587),
            MAIL_USERNAME=environ.get("MAIL_USERNAME") or None,
            MAIL_PASSWORD=environ.get("MAIL_PASSWORD") or None,
            MAIL_USE_TLS=_flag(environ, "MAIL_USE_TLS", default=False),
            MAIL_USE_SSL=_flag(environ, "MAIL_USE_SSL", default=False),
        )
    elif backend := environ.get("MAIL_BACKEND", "").strip():
        settings["MAIL_BACKEND"] = backend
    elif not production:
        settings["MAIL_BACKEND"] = "console"
    return settings


def media_storage_url(environ: Mapping[str, str], instance_path: str | Path) -> str:
    """`file:///…` (default: instance/media) or `s3://bucket/prefix?endpoint_url=…`."""
    url = environ.get("MEDIA_STORAGE_URL", "").strip()
    if not url:
        return (Path(instance_path).resolve() / "media").as_uri()
    if not url.startswith(("file:///", "s3://")):
        raise ConfigError(
            f"MEDIA_STORAGE_URL={url!r}: use file:///absolute/folder or "
            "s3://bucket/prefix?endpoint_url=https://… (credentials from AWS_* variables)."
        )
    return url


def _trusted_hosts(
    environ: Mapping[str, str], public_url: str, production: bool
) -> list[str] | None:
    """TRUSTED_HOSTS if set; in production the host of PUBLIC_URL; else any host."""
    listed = [host.strip() for host in environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()]
    if listed:
        return listed
    if production and public_url:
        return [urlsplit(public_url).hostname]
    return None


def _cache_settings(
    environ: Mapping[str, str], redis_url: str, instance_path: str | Path
) -> dict[str, Any]:
    """Flask-Caching's settings: Redis if configured, else a folder of files (CACHE_DIR)."""
    common = {"CACHE_KEY_PREFIX": "pm-portfolio:", "CACHE_DEFAULT_TIMEOUT": 3600}
    if redis_url:
        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
        }
    return {
        **common,
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": environ.get("CACHE_DIR") or str(Path(instance_path).resolve() / "cache"),
        "CACHE_THRESHOLD": 20_000,
    }


def _queue_settings(redis_url: str) -> dict[str, Any]:
    if not redis_url:
        return {}
    return {
        "RQ_CONNECTION": redis_url,
        "RQ_CONNECTION_CLASS": "pm_portfolio.redis_clients.QueueRedis",
        "RQ_QUEUES": ["mail", "default"],
        # Jobs go to the workers in tests too (Flask-RQ would run them in the request).
        "RQ_ASYNC": True,
    }


def build_config(
    environ: Mapping[str, str],
    instance_path: str | Path,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the Flask config for this environment; `overrides` win (tests use them)."""
    overrides = dict(overrides or {})
    production = environ.get("PM_PORTFOLIO_ENV", "development").strip().lower() == PRODUCTION

    database_url = environ.get("DATABASE_URL") or (
        f"sqlite:///{Path(instance_path).resolve() / SQLITE_FILE}"
    )
    public_url = normalise_public_url(environ.get("PUBLIC_URL", ""))
    secure_cookies = production or _flag(environ, "SESSION_COOKIE_SECURE", default=False)
    redis_url = environ.get("REDIS_URL", "").strip()
    rate_limit_storage = redis_url or environ.get("RATELIMIT_STORAGE_URI", "").strip()
    cache_megabytes = _number(environ, "PUBLIC_PAGE_CACHE_MB", default=32)
    view_flush_seconds = _number(environ, "VIEW_FLUSH_SECONDS", default=5)
    # Never below the 5 MB a CSV import may be.
    media_file_megabytes = max(_number(environ, "MEDIA_MAX_FILE_MB", default=8), 5)

    config: dict[str, Any] = {
        "PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_NAME": "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        # Every absolute URL a page emits starts here; see web/public_urls.py.
        "PUBLIC_URL": public_url,
        # Requests for any other host are refused with 400 (Flask checks this list).
        "TRUSTED_HOSTS": _trusted_hosts(environ, public_url, production),
        "PASSWORD_HASH_METHOD": "scrypt",
        # The largest upload (a media file) and a little room for the rest of its form.
        "MAX_CONTENT_LENGTH": media_file_megabytes * MEGABYTE + 256 * 1024,
        # Media: where files live, and the limits stated on the forms.
        "MEDIA_STORAGE_URL": media_storage_url(environ, instance_path),
        "MEDIA_MAX_FILE_BYTES": media_file_megabytes * MEGABYTE,
        "MEDIA_QUOTA_BYTES": _number(environ, "MEDIA_QUOTA_MB", default=100) * MEGABYTE,
        "MEDIA_ITEMS_PER_PRODUCT": _number(environ, "MEDIA_ITEMS_PER_PRODUCT", default=20),
        # A form token outlives a long editing session; it is still bound to the cookie.
        "WTF_CSRF_TIME_LIMIT": 12 * 60 * 60,
        # Rate limits are shared by every server through Redis when there is one.
        "RATELIMIT_ENABLED": _flag(environ, "RATELIMIT_ENABLED", default=True),
        "RATELIMIT_STORAGE_URI": rate_limit_storage or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_KEY_PREFIX": "pm-portfolio",
        "RATELIMIT_HEADERS_ENABLED": True,
        # If Redis stops answering, keep serving under a generous per-address limit.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_IN_MEMORY_FALLBACK": "120 per minute",
        "PROXY_COUNT": _number(environ, "PROXY_COUNT", default=0),
        # Memory for rendered public pages per process, in all and per maker (0 turns it
        # off); see portfolio/page_cache.py.
        "PUBLIC_PAGE_CACHE_BYTES": cache_megabytes * MEGABYTE,
        "PUBLIC_PAGE_CACHE_BYTES_PER_MAKER": cache_megabytes * MEGABYTE // 16,
        # What every server must agree on without asking the database: each maker's
        # portfolio version for public pages' ETags, and the dashboard's rendered parts.
        # Redis when there is one; else files under instance/, shared by the processes
        # of this one machine (as SQLite is). See core/stamps.py.
        **_cache_settings(environ, redis_url, instance_path),
        # Views are counted in Redis (or in each process without it) and written to the
        # database in batches this often; 0 leaves it to `flask views flush`.
        "REDIS_URL": redis_url,
        "VIEW_FLUSH_SECONDS": view_flush_seconds,
        # Addresses per sitemap file: the sitemap protocol's limit.
        "SITEMAP_PAGE_SIZE": 50_000,
        # How long the sitemap's version (its count of addresses) is kept.
        "SITEMAP_VERSION_SECONDS": 300,
        # Past this, a PDF download gets an error page instead of holding up a worker.
        "PDF_TIMEOUT_SECONDS": _number(environ, "PDF_TIMEOUT_SECONDS", default=20),
        # Sign-up and password-reset emails the whole site sends in an hour, at most.
        "MAIL_SIGNUPS_PER_HOUR": _number(environ, "MAIL_SIGNUPS_PER_HOUR", default=500),
        # A download longer than this is refused (a portfolio of 20 case studies is ~50).
        "PDF_MAX_PAGES": _number(environ, "PDF_MAX_PAGES", default=100),
    }
    config.update(mail_settings(environ, public_url, production))
    if environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = environ["SECRET_KEY"]
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    # Work off the request path goes to RQ queues in the Redis of REDIS_URL, when there
    # is one (Flask-RQ reads these); `flask --app app rq worker mail default
    # --with-scheduler` runs it (the scheduler puts retries back on the queue).
    for name, value in _queue_settings(config["REDIS_URL"]).items():
        config.setdefault(name, value)

    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production (PM_PORTFOLIO_ENV=production) the app "
                "refuses to start without one; generate it with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    if production and not public_url:
        raise ConfigError(
            "PUBLIC_URL is not set. In production the app refuses to start without the "
            "address readers use, e.g. PUBLIC_URL=https://portfolio.example.com: links in "
            "pages are built from it, and requests for other hosts are refused."
        )
    if production and not config.get("MAIL_BACKEND"):
        raise ConfigError(
            "No mail server is set. In production password resets and address "
            "confirmations need one: set MAIL_URL (e.g. smtp+starttls://user:password@"
            "smtp.example.com:587), or MAIL_BACKEND=dummy to send no email knowingly."
        )
    if not view_flush_seconds and not redis_url:
        raise ConfigError(
            "VIEW_FLUSH_SECONDS=0 needs REDIS_URL. Without Redis each server process keeps "
            "the views it counts and must write them itself; `flask views flush` runs in a "
            "process of its own and cannot reach them."
        )
    if production and not rate_limit_storage:
        raise ConfigError(
            "REDIS_URL is not set. In production rate limits must be shared by every server "
            "process; set REDIS_URL, or RATELIMIT_STORAGE_URI=memory:// to keep them per "
            "process knowingly (each worker then allows the full limit)."
        )
    return config
