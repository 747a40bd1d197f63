"""The maker's request to someone to confirm one claim of a case study: shown on the
product's page, sent to the proof blueprint."""

from wtforms import EmailField
from wtforms import SelectField
from wtforms.validators import Email
from wtforms.validators import Optional

from pm_portfolio.core.accounts import EMAIL_MAX
from pm_portfolio.core.endorsements import Claim
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field


class EndorsementRequestForm(Form):
    claim = SelectField("What should they confirm?")
    asked_name = text_field(
        "Who?", 80, "Someone who saw it: a teammate, a user, a mentor.",
        required="Name the person you ask.", one_line=True,
    )  # fmt: skip
    asked_email = EmailField(
        "Their email",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            max_length(EMAIL_MAX),
            Email("Enter an address like eve@example.com."),
        ],
        description="Optional: we email them the link. Or copy the link and send it yourself.",
    )

    def offer(self, claims: list[Claim]) -> None:
        self.claim.choices = [(claim.key, claim.title) for claim in claims]
