"""The forms of feedback: a review link (the maker's), a comment (a reviewer's), and the
maker's reply."""

from datetime import timedelta

from wtforms import EmailField
from wtforms import FieldList
from wtforms import FormField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import Email
from wtforms.validators import Optional

from pm_portfolio import clock
from pm_portfolio.core.accounts import EMAIL_MAX
from pm_portfolio.core.reviews import COMMENT_MAX
from pm_portfolio.core.reviews import DEFAULT_DAYS
from pm_portfolio.core.reviews import MAX_DAYS
from pm_portfolio.core.reviews import REPLY_MAX
from pm_portfolio.core.reviews import CommentData
from pm_portfolio.core.reviews import ReviewLinkData
from pm_portfolio.core.reviews import Section
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import max_length
from pm_portfolio.forms.fields import number_between
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field
from pm_portfolio.forms.link_items import LinkItemForm
from pm_portfolio.forms.link_items import chosen_product_ids
from pm_portfolio.forms.link_items import fill_link_items
from pm_portfolio.models import Product


class ReviewLinkForm(Form):
    note = long_text_field(
        "A note for the reviewer",
        500,
        "Optional. Shown at the top of the draft, e.g. “Could you look at the problem section?”",
    )
    days = IntegerField(
        "Open for (days)",
        default=DEFAULT_DAYS,
        validators=[Optional(), number_between(1, MAX_DAYS)],
        description=f"The link stops working after this; {DEFAULT_DAYS} days if left empty.",
    )
    items = FieldList(FormField(LinkItemForm), "Product")

    def fill_products(self, products: list[Product], chosen_id: int | None) -> None:
        fill_link_items(self.items, products, None)
        for row in self.items:
            if row.form.product_id.data == chosen_id:
                row.form.include.data = True
                row.form.position.data = 1

    def validate_items(self, field) -> None:
        if not any(row.form.include.data for row in field):
            raise ValidationError("Choose at least one product to review.")

    def to_data(self) -> ReviewLinkData:
        days = self.days.data or DEFAULT_DAYS
        return ReviewLinkData(
            product_ids=chosen_product_ids(self.items),
            expires_on=clock.today() + timedelta(days=days),
            note=self.note.data or "",
        )


class CommentForm(Form):
    name = text_field(
        "Your name", 80, required="Say who you are, so the maker knows.", one_line=True
    )
    email = EmailField(
        "Your email",
        filters=[strip_whitespace],
        validators=[
            Optional(),
            max_length(EMAIL_MAX),
            Email("Enter an address like eve@example.com."),
        ],
        description="Optional: to get the maker's reply. Never shown to anyone.",
    )
    section = SelectField("About")
    comment = long_text_field(
        "Your comment",
        COMMENT_MAX,
        "What is missing, unclear or unconvincing? Plain text; links are fine.",
        required="Write your comment.",
    )
    # Left empty by people, who never see it; robots that fill every field give
    # themselves away.
    website = StringField("Leave this empty")

    def offer(self, sections: list[Section]) -> None:
        self.section.choices = [(section.key, section.label) for section in sections]

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.website.data)

    def to_data(self) -> CommentData:
        return CommentData(
            name=self.name.data,
            email=self.email.data or "",
            section=self.section.data,
            body=self.comment.data,
        )


class EditCommentForm(Form):
    comment = long_text_field("Your comment", COMMENT_MAX, required="Write your comment.")


class ReplyForm(Form):
    reply = long_text_field(
        "Your reply", REPLY_MAX, required="Write your reply.",
        description="One reply per comment. If they left an email, they get it by email.",
    )  # fmt: skip
