"""Form pieces every form shares: the base form, fields and validators."""

import re
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import Field
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

URL_MAX = 500
MARKDOWN_MAX = 20_000


def choices(pairs) -> list[SelectChoice]:
    """Options for a select, radio or checkbox group from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def max_length(limit: int) -> Length:
    return Length(max=limit, message=f"Use at most {limit:,} characters.")


def _text_validators(max_chars: int, required: str | None) -> list:
    return [*([DataRequired(required)] if required else []), max_length(max_chars)]


def no_control_characters(_form: FlaskForm, field: Field) -> None:
    """One line, as typed in one box: a line break sent by hand would end an email's
    header (a subject that names a guest) or a line of a plain-text message."""
    if field.data and _CONTROL.search(field.data):
        raise ValidationError("Use one line, without line breaks or tabs.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_field(
    label: str,
    max_chars: int,
    description: str | None = None,
    required: str | None = None,
    one_line: bool = False,
) -> StringField:
    """A line of text, trimmed, of at most `max_chars`; `required`: the message if empty;
    `one_line`: refuse line breaks (for what guests type, which emails quote)."""
    validators = _text_validators(max_chars, required)
    if one_line:
        validators.append(no_control_characters)
    return StringField(
        label, filters=[strip_whitespace], validators=validators, description=description
    )


def long_text_field(
    label: str, max_chars: int, description: str | None = None, required: str | None = None
) -> TextAreaField:
    """Paragraphs of text, trimmed, of at most `max_chars`; `required` as for text_field."""
    return TextAreaField(
        label,
        filters=[strip_whitespace],
        validators=_text_validators(max_chars, required),
        description=description,
    )


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


# What people type for an address without its scheme: "linkedin.com/in/ada",
# "www.example.com", "cal.example.com:8443/ada". A host with a dot, a port perhaps,
# then a path, query or nothing.
_BARE_HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#].*)?", re.IGNORECASE | re.DOTALL)


def with_https(value: str | None) -> str | None:
    """A link typed as a bare host, given https://; anything else as typed, for the
    validator to judge (so "javascript:…" is refused, never rewritten)."""
    if isinstance(value, str) and "://" not in value and _BARE_HOST.fullmatch(value):
        return f"https://{value}"
    return value


def http_url(_form: FlaskForm, field: Field) -> None:
    """WTForms validator: empty, or an http(s) URL."""
    if field.data and not is_http_url(field.data):
        raise ValidationError(
            "Enter a web address such as example.com/you, or one starting with https:// or http://."
        )


def link_field(label: str, description: str | None = None) -> StringField:
    """An optional http(s) address, such as a product's live URL or the maker's website.
    A text input (inputmode url): a browser's url input refuses "linkedin.com/in/ada",
    which is stored as https://linkedin.com/in/ada."""
    return StringField(
        label,
        filters=[strip_whitespace, with_https],
        validators=[Optional(), max_length(URL_MAX), http_url],
        description=description,
        render_kw={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"},
    )


def number_between(low: int, high: int):
    """WTForms validator: a whole number from `low` to `high`, with the message people read.

    WTForms' own NumberRange turns the number into a float first, which fails for
    a number of 400 digits; comparing Python integers never does.
    """
    message = f"Use a number from {low:,} to {high:,}."

    def check(_form: FlaskForm, field: Field) -> None:
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(message)

    return check


class IsoDateField(DateField):
    """A date typed or picked as YYYY-MM-DD, with a message people understand."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date as YYYY-MM-DD, e.g. 2026-03-31.") from error

    def _value(self) -> str:
        # A date input can only hold a valid date; browsers never send anything else.
        return self.data.isoformat() if self.data else ""


class ClockTimeField(TimeField):
    """A time of day typed or picked as HH:MM, with a message people understand."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a time as HH:MM, e.g. 14:30.") from error

    def _value(self) -> str:
        # A time input can only hold a valid time: what could not be read is not sent back.
        return self.data.strftime("%H:%M") if self.data else ""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a group of checkboxes, which reads better than a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        known = {choice.value for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError("Choose from the list.")


def _text_values(fields):
    """Every text value in a form, including those of nested rows."""
    for field in fields:
        if hasattr(field, "entries"):
            yield from _text_values(field.entries)
        elif hasattr(field, "form") and field.type == "FormField":
            yield from _text_values(field.form)
        elif isinstance(field.data, str):
            yield field


class Form(FlaskForm):
    """A FlaskForm that refuses text no database can store, before any rule looks it up."""

    def validate(self, extra_validators=None) -> bool:
        self.form_errors = []
        unstorable = [field for field in _text_values(self) if "\x00" in field.data]
        if not unstorable:
            return super().validate(extra_validators)
        # Other rules (some ask the database) wait until the text can be stored.
        for field in unstorable:
            field.errors = ["Remove the invisible NUL characters."]
        self.form_errors.append("Some text contains characters that cannot be saved.")
        return False

    def refill(self, formdata) -> None:
        """Take the next input: refilling a form costs half of building one, and an import
        checks thousands of rows with the same form."""
        self.process(formdata)


class ConfirmForm(Form):
    """A confirmation button, e.g. for deleting: the form carries only its CSRF token."""


def form_messages(errors) -> list[str]:
    """Every message in a form's (possibly nested) errors, in order."""
    if isinstance(errors, str):
        return [errors]
    values = errors.values() if isinstance(errors, dict) else errors
    return [message for nested in values for message in form_messages(nested)]
