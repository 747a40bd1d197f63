"""The application form (its fields named like the applications CSV's columns), and the
one-field form that moves an application to another stage."""

from wtforms import EmailField
from wtforms import FieldList
from wtforms import Form as SubForm
from wtforms import FormField
from wtforms import SelectField
from wtforms import ValidationError
from wtforms.validators import Email
from wtforms.validators import Optional

from pm_portfolio.core.applications import MAX_CONTACTS
from pm_portfolio.core.applications import STAGES
from pm_portfolio.core.applications import ApplicationData
from pm_portfolio.core.applications import ContactData
from pm_portfolio.forms.fields import MARKDOWN_MAX
from pm_portfolio.forms.fields import ClockTimeField
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import IsoDateField
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.fields import link_field
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field
from pm_portfolio.forms.link_items import LinkItemForm
from pm_portfolio.forms.link_items import chosen_product_ids
from pm_portfolio.forms.link_items import fill_link_items
from pm_portfolio.models import Application
from pm_portfolio.models import Product

STAGE_CHOICES = choices((stage.value, stage.label) for stage in STAGES)
EMAIL_MAX = 254


def stage_field() -> SelectField:
    return SelectField("Stage", choices=STAGE_CHOICES, default=STAGES[0].value)


class ContactForm(SubForm):
    """Someone at the employer; a row left empty is no contact."""

    name = text_field("Name", 120)
    role = text_field("Their role", 120, "e.g. “Recruiter” or “Head of Product”.")
    email = EmailField(
        "Email",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            max_length(EMAIL_MAX),
            Email("Enter an address like eve@acme.com."),
        ],
    )
    linkedin_url = link_field("LinkedIn")

    def to_data(self) -> ContactData:
        return ContactData(
            name=self.name.data or "",
            role=self.role.data or "",
            email=self.email.data or "",
            linkedin_url=self.linkedin_url.data or "",
        )


class ApplicationForm(Form):
    company = text_field("Company", 120, required="Name the company.")
    role = text_field("Role", 120, "e.g. “Associate Product Manager”.", required="Name the role.")
    posting_url = link_field(
        "Job posting",
        "Paste its address: the site (LinkedIn, Greenhouse, Lever, …) is read from it.",
    )
    stage = stage_field()
    applied_on = IsoDateField(
        "Applied on",
        validators=[Optional()],
        description="Filled with today when the stage says you applied and this is empty.",
    )
    next_step = text_field("Next step", 200, "e.g. “Call with Eve” or “Send the take-home”.")
    next_step_on = IsoDateField("Next step on", validators=[Optional()])
    next_step_time = ClockTimeField(
        "At", validators=[Optional()], description="Optional, in your time zone."
    )
    private_notes = long_text_field(
        "Private notes", MARKDOWN_MAX, "Only you see these. Markdown works."
    )
    note_to_reader = long_text_field(
        "A note for them",
        500,
        "Shown at the top of the link you send, e.g. “Hi Acme team — the two case "
        "studies below are closest to the Growth PM role.”",
    )
    case_studies = FieldList(FormField(LinkItemForm), "Case study")
    contacts = FieldList(FormField(ContactForm), "Contact", min_entries=2, max_entries=MAX_CONTACTS)

    def fill(self, products: list[Product], application: Application | None = None) -> None:
        """The case studies to choose from (the application's own come ticked), and a
        free row for one more contact."""
        link = application.share_link if application else None
        fill_link_items(self.case_studies, products, link)
        if application is not None:
            while self.contacts.entries:
                self.contacts.pop_entry()
            for contact in application.contacts:
                self.contacts.append_entry(contact)
            if len(self.contacts) < MAX_CONTACTS:
                self.contacts.append_entry()

    # Set when the application has a link already: a note may then stay while no case
    # study is chosen (the link keeps its address for when one is again).
    has_link = False

    def validate_note_to_reader(self, field) -> None:
        chosen = any(row.form.include.data for row in self.case_studies)
        if field.data and not chosen and not self.has_link:
            raise ValidationError("The note goes with the case studies: choose at least one.")

    def validate_next_step_on(self, field) -> None:
        if field.data and not self.next_step.data:
            raise ValidationError("Say what the next step is, or clear its date.")

    def validate_next_step_time(self, field) -> None:
        if field.data and not self.next_step_on.data:
            raise ValidationError("Choose the day of the next step too.")

    def to_data(self) -> ApplicationData:
        return ApplicationData(
            company=self.company.data,
            role=self.role.data,
            stage=self.stage.data,
            posting_url=self.posting_url.data or "",
            applied_on=self.applied_on.data,
            next_step=self.next_step.data or "",
            next_step_on=self.next_step_on.data,
            next_step_time=self.next_step_time.data,
            private_notes=self.private_notes.data or "",
            note_to_reader=self.note_to_reader.data or "",
            product_ids=chosen_product_ids(self.case_studies),
            contacts=[row.form.to_data() for row in self.contacts],
        )


class StageForm(Form):
    """Moves an application on the board: one POST, no script needed."""

    stage = stage_field()
