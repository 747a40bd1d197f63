"""The forms of a product's media page."""

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import StringField
from wtforms import URLField
from wtforms.validators import DataRequired

from pm_portfolio.core.media import ALT_MAX
from pm_portfolio.forms.fields import URL_MAX
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field
from pm_portfolio.forms.fields import with_https


def alt_text_field() -> StringField:
    return text_field(
        "Alt text",
        ALT_MAX,
        "What the picture shows, for people who cannot see it; needed for "
        'pictures. E.g. "The weekly digest in Slack, with three answers".',
    )


def caption_field() -> StringField:
    return text_field("Caption", ALT_MAX, "Optional: what a reader should notice.")


class UploadForm(Form):
    file = FileField("Picture or PDF", validators=[FileRequired("Choose a file to upload.")])
    alt_text = alt_text_field()
    caption = caption_field()


class EmbedForm(Form):
    url = URLField(
        "Link",
        filters=[strip_whitespace, with_https],
        validators=[DataRequired("Paste a link."), max_length(URL_MAX)],
        description="A video or design on YouTube, Vimeo, Loom or Figma.",
    )
    title = text_field("Title", ALT_MAX, required="Give it a title, e.g. “Two-minute demo”.")
    caption = caption_field()


class EditForm(Form):
    alt_text = alt_text_field()
    caption = caption_field()
