"""The profile form: what the maker shows employers, from Settings and from a backup."""

from wtforms import BooleanField
from wtforms import EmailField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import URLField
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional

from pm_portfolio.core.accounts import ProfileData
from pm_portfolio.forms.fields import URL_MAX
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import http_url
from pm_portfolio.forms.fields import strip_whitespace


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
    location = StringField(
        "Location",
        filters=[strip_whitespace],
        validators=[Length(max=80, message="Use at most 80 characters.")],
        description='Where you are, e.g. "Berlin, Germany".',
    )
    open_to = StringField(
        "Open to",
        filters=[strip_whitespace],
        validators=[Length(max=120, message="Use at most 120 characters.")],
        description='The roles you are looking for, e.g. "APM / PM roles · Remote or Berlin".',
    )
    contact_email = EmailField(
        "Public contact email",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            Length(max=254, message="Use at most 254 characters."),
            Email("Enter a valid email address, like you@example.com."),
        ],
        description="Off while empty. Readers see it after pressing Contact; "
        "it is never written into your pages where address-harvesting robots read.",
    )
    contact_url = URLField(
        "Contact link",
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=URL_MAX), http_url],
        description="A scheduling page or a profile to message you on. Off while empty.",
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

    def to_data(self) -> ProfileData:
        return ProfileData(
            display_name=self.display_name.data or "",
            headline=self.headline.data or "",
            bio=self.bio.data or "",
            website_url=self.website_url.data or "",
            linkedin_url=self.linkedin_url.data or "",
            github_url=self.github_url.data or "",
            location=self.location.data or "",
            open_to=self.open_to.data or "",
            contact_email=self.contact_email.data or "",
            contact_url=self.contact_url.data or "",
            is_published=self.is_published.data,
            show_ideas=self.show_ideas.data,
        )
