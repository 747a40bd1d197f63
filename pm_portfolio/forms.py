"""Form pieces shared by every blueprint."""

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms import ValidationError

URL_MAX = 500


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) link to a named host; other schemes are unsafe in links."""
    if len(value) > URL_MAX or any(char.isspace() or ord(char) < 32 for char in value):
        return False
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(hostname) and "." in hostname


def http_url(_form: FlaskForm, field: Field) -> None:
    """WTForms validator: empty, or an http(s) URL."""
    if field.data and not is_http_url(field.data):
        raise ValidationError("Enter a full web address starting with https:// or http://.")


class Form(FlaskForm):
    """A FlaskForm that refuses text no database can store, instead of failing on save."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, "Remove the invisible NUL characters."]
                valid = False
        return valid
