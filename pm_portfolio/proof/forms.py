"""The endorser's answer to a request to confirm a claim."""

from wtforms import BooleanField
from wtforms import ValidationError

from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import text_field


class EndorseForm(Form):
    name = text_field(
        "Your name", 80, "Shown with your confirmation.", required="Give your name.",
        one_line=True,
    )  # fmt: skip
    relationship = text_field(
        "How you know the work", 120, "e.g. “Engineering manager at Queue Co”.",
        required="Say how you know it.", one_line=True,
    )  # fmt: skip
    quote = text_field(
        "A line about it", 200, "Optional, one sentence, shown with your name.", one_line=True
    )
    saw_this = BooleanField("I saw this, and it is accurate")

    def validate_saw_this(self, field) -> None:
        if not field.data:
            raise ValidationError("Tick the box to confirm that you saw it.")
