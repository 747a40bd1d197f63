"""The profile form: what the maker shows employers, from Settings and from a backup."""

from wtforms import BooleanField
from wtforms import EmailField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import Email
from wtforms.validators import Optional

from pm_portfolio.core.accounts import EMAIL_MAX
from pm_portfolio.core.accounts import ProfileData
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import link_field
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import strip_whitespace


class ProfileForm(Form):
    display_name = StringField(
        "Display name",
        filters=[strip_whitespace],
        validators=[max_length(80)],
        description="Shown on your portfolio instead of your username.",
    )
    headline = StringField(
        "Headline",
        filters=[strip_whitespace],
        validators=[max_length(120)],
        description='One line, e.g. "Engineer turning side projects into products".',
    )
    bio = TextAreaField(
        "Short bio",
        filters=[strip_whitespace],
        validators=[max_length(1000)],
    )
    location = StringField(
        "Location",
        filters=[strip_whitespace],
        validators=[max_length(80)],
        description='Where you are, e.g. "Berlin, Germany".',
    )
    open_to = StringField(
        "Open to",
        filters=[strip_whitespace],
        validators=[max_length(120)],
        description='The roles you are looking for, e.g. "APM / PM roles · Remote or Berlin".',
    )
    contact_email = EmailField(
        "Public contact email",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            max_length(EMAIL_MAX),
            Email("Enter a valid email address, like you@example.com."),
        ],
        description="Off while empty. Readers see it after pressing Contact, and in your "
        "PDFs; it is never written into your pages, where address-harvesting robots read.",
    )
    contact_url = link_field(
        "Contact link", "A scheduling page or a profile to message you on. Off while empty."
    )
    website_url = link_field("Website")
    linkedin_url = link_field("LinkedIn")
    github_url = link_field("GitHub")
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
