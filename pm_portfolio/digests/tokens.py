"""The signed token in a digest's unsubscribe address: who, and from what. It never
expires (an old email's link must still work; a new SECRET_KEY ends them all, as it
ends every signed link) and changes nothing but that setting."""

from flask import current_app
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer

# One salt per purpose, as in accounts/links.py.
SALT = "pm-portfolio unsubscribe"
DIGEST = "digest"
REMINDERS = "follow-ups"
LISTS = (DIGEST, REMINDERS)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def unsubscribe_token(maker_id: int, mailing: str = DIGEST) -> str:
    return _serializer().dumps({"maker": maker_id, "list": mailing})


def read(token: str) -> tuple[int, str] | None:
    """(maker id, list) of a token this app signed; None for anything else."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("maker"), int):
        return None
    return data["maker"], data.get("list", "")
