"""The profile form: what the maker shows employers, from Settings and from a backup."""

from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import EmailField
from wtforms import SelectField
from wtforms.validators import Email
from wtforms.validators import Optional

from pm_portfolio.core.accounts import EMAIL_MAX
from pm_portfolio.core.accounts import ProfileData
from pm_portfolio.core.dates import DEFAULT_TIME_ZONE
from pm_portfolio.core.dates import time_zone_names
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.fields import link_field
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field


class PublishForm(Form):
    show_ideas = BooleanField(
        "Show ideas too", description="Public products still at the idea stage appear as well."
    )


class ProfileForm(Form):
    # Saved with the rest by the one Save button (Settings sends this form multipart).
    photo = FileField(
        "Profile photo",
        description="A square picture of your face works best; it is cropped to a square "
        "and its hidden data (location, camera) removed.",
    )
    display_name = text_field(
        "Display name", 80, "Shown on your portfolio instead of your username."
    )
    headline = text_field(
        "Headline", 120, 'One line, e.g. "Engineer turning side projects into products".'
    )
    bio = long_text_field("Short bio", 1000)
    location = text_field("Location", 80, 'Where you are, e.g. "Berlin, Germany".')
    open_to = text_field(
        "Open to", 120, 'The roles you are looking for, e.g. "APM / PM roles · Remote or Berlin".'
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
    time_zone = SelectField(
        "Time zone",
        choices=choices((name, name.replace("_", " ")) for name in time_zone_names()),
        default=DEFAULT_TIME_ZONE,
        description="Your history and sessions show times in it. Only you see it.",
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
            time_zone=self.time_zone.data or DEFAULT_TIME_ZONE,
        )
