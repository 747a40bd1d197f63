from wtforms import BooleanField
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from pm_portfolio.accounts import services
from pm_portfolio.forms import URL_MAX
from pm_portfolio.forms import Form
from pm_portfolio.forms import http_url
from pm_portfolio.forms import strip_whitespace

PASSWORD_LENGTH = Length(
    min=services.PASSWORD_MIN,
    max=services.PASSWORD_MAX,
    message=f"Use {services.PASSWORD_MIN} to {services.PASSWORD_MAX} characters.",
)


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[InputRequired("Choose a password."), PASSWORD_LENGTH],
        description=f"At least {services.PASSWORD_MIN} characters. A short sentence works well.",
    )


def confirmation_field(label: str, of: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Type the password again."),
            EqualTo(of, message="The two passwords do not match."),
        ],
    )


class RegisterForm(Form):
    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="Use at most 254 characters."),
            Email("Enter a valid email address, like you@example.com."),
        ],
    )
    username = StringField(
        "Username",
        filters=[strip_whitespace],
        validators=[DataRequired("Choose a username.")],
        description="Your public address: /u/your-username. Letters, digits and hyphens.",
    )
    password = new_password_field("Password")
    confirm = confirmation_field("Confirm password", "password")

    def validate_email(self, field) -> None:
        if services.email_taken(field.data):
            raise ValidationError("An account with this email already exists. Log in instead?")

    def validate_username(self, field) -> None:
        username = services.normalise_username(field.data)
        problem = services.username_problem(username)
        if problem:
            raise ValidationError(problem)
        if services.username_taken(username):
            raise ValidationError("That username is taken. Please choose another.")


class LoginForm(Form):
    login = StringField(
        "Email or username",
        filters=[strip_whitespace],
        validators=[DataRequired("Enter your email or username."), Length(max=254)],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class ProfileForm(Form):
    display_name = StringField(
        "Display name",
        filters=[strip_whitespace],
        validators=[Length(max=80, message="Use at most 80 characters.")],
        description="Shown on your portfolio instead of your username.",
    )
    headline = StringField(
        "Headline",
        filters=[strip_whitespace],
        validators=[Length(max=120, message="Use at most 120 characters.")],
        description='One line, e.g. "Engineer turning side projects into products".',
    )
    bio = TextAreaField(
        "Short bio",
        filters=[strip_whitespace],
        validators=[Length(max=1000, message="Use at most 1,000 characters.")],
    )
    website_url = URLField(
        "Website",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=URL_MAX), http_url],
    )
    linkedin_url = URLField(
        "LinkedIn",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=URL_MAX), http_url],
    )
    github_url = URLField(
        "GitHub",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=URL_MAX), http_url],
    )
    is_published = BooleanField(
        "Publish my portfolio",
        description="Anyone with the address can read it; your public products appear on it.",
    )
    show_ideas = BooleanField(
        "Show ideas too", description="Public products still at the idea stage appear as well."
    )


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
