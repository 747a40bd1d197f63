"""The forms only the account pages use: sign-up, log-in, passwords (changing, forgetting,
resetting), changing the email address, and deleting the account."""

from wtforms import BooleanField
from wtforms import EmailField
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length

from pm_portfolio.core import accounts
from pm_portfolio.core.digests import WEEKDAYS
from pm_portfolio.core.goals import Goal
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.fields import strip_whitespace

PASSWORD_LENGTH = Length(
    min=accounts.PASSWORD_MIN,
    max=accounts.PASSWORD_MAX,
    message=f"Use {accounts.PASSWORD_MIN} to {accounts.PASSWORD_MAX} characters.",
)


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Choose a password."), PASSWORD_LENGTH],
        description=f"At least {accounts.PASSWORD_MIN} characters. A short sentence works well.",
    )


def confirmation_field(label: str, of: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Type the password again."),
            EqualTo(of, message="The two passwords do not match."),
        ],
    )


def email_field(label: str) -> EmailField:
    return EmailField(
        label,
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=accounts.EMAIL_MAX, message=f"Use at most {accounts.EMAIL_MAX} characters."),
            Email("Enter a valid email address, like you@example.com."),
        ],
    )


class RegisterForm(Form):
    email = email_field("Email")
    username = StringField(
        "Username",
        filters=[strip_whitespace],
        description="Your public address: /u/your-username. Letters, digits and hyphens; "
        "capitals become lower case.",
    )
    password = new_password_field("Password")
    confirm = confirmation_field("Confirm password", "password")
    # Filled in by the browser's script where it can tell; anything unknown means UTC.
    time_zone = HiddenField()

    def validate_email(self, field) -> None:
        if accounts.normalise_email(field.data) == accounts.DEMO_EMAIL:
            raise ValidationError("That address belongs to the demo. Please use your own.")

    def validate_username(self, field) -> None:
        username = accounts.normalise_username(field.data or "")
        if not username:
            problem = "Choose a username."
        elif accounts.username_taken(username):
            problem = "That username is taken."
        else:
            problem = accounts.username_problem(username)
        if problem:
            suggestion = accounts.suggest_username(username, self.email.data or "")
            raise ValidationError(f"{problem} How about “{suggestion}”?")


class LoginForm(Form):
    login = StringField(
        "Email or username",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter your email or username."), Length(max=accounts.EMAIL_MAX)],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class PasswordChangeForm(Form):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password.")]
    )
    new_password = new_password_field("New password")
    confirm = confirmation_field("Confirm new password", "new_password")


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password", validators=[InputRequired("Enter your password to confirm.")]
    )


class ForgotPasswordForm(Form):
    email = email_field("Email")


class ResetPasswordForm(Form):
    new_password = new_password_field("New password")
    confirm = confirmation_field("Confirm new password", "new_password")


class EmailChangeForm(Form):
    new_email = email_field("New email address")
    password = PasswordField(
        "Your password", validators=[InputRequired("Enter your password to confirm.")]
    )


class EmailsForm(Form):
    weekly_goal = SelectField(
        "Your goal",
        choices=choices([("", "No goal"), *((goal.value, goal.label) for goal in Goal)]),
        default="",
        description="The dashboard shows your streak, and the digest compares each week with it.",
    )
    weekly_digest = BooleanField("Send me a weekly digest")
    digest_day = SelectField(
        "On",
        choices=choices(enumerate(WEEKDAYS)),
        coerce=int,
        default=0,
        description="It arrives from 08:00 that day, in your time zone, about the 7 days before.",
    )
    follow_up_reminders = BooleanField(
        "Email me the morning a follow-up is due",
        description="Once for each follow-up of your applications: an employer who has not "
        "opened your case studies after a week, or opened them and went quiet, and the day "
        "before a next step.",
    )
