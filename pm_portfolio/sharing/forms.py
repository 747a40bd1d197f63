"""The form for a per-employer share link."""

from wtforms import BooleanField
from wtforms import FieldList
from wtforms import Form as SubForm
from wtforms import FormField
from wtforms import IntegerField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from pm_portfolio import clock
from pm_portfolio.core.share_links import PortfolioLinkData
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import IsoDateField
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import number_between
from pm_portfolio.forms.fields import text_field
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink


class LinkItemForm(SubForm):
    """One product the link may show: ticked to include it, with its place in the order."""

    product_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    include = BooleanField("Include")
    position = IntegerField("Order", validators=[Optional(), number_between(1, 999)])


class PortfolioLinkForm(Form):
    name = text_field(
        "Who is it for?",
        120,
        "Only you see this name, e.g. “Acme — Senior PM application”.",
        required="Name the link, e.g. the company and role.",
    )
    note = long_text_field(
        "A note for them",
        500,
        "Optional. Shown at the top of this link's page only, e.g. "
        "“Hi Acme team — the two case studies below are closest to the Growth PM role.”",
    )
    expires_on = IsoDateField(
        "Expires after",
        validators=[Optional()],
        description="Leave empty to keep the link open until you revoke it.",
    )
    items = FieldList(FormField(LinkItemForm), "Product")

    def fill_products(self, products: list[Product], link: ShareLink | None = None) -> None:
        """One row per shareable product; a link's own products come ticked, in its order."""
        chosen = {item.product_id: item.position + 1 for item in link.items} if link else {}
        while self.items.entries:
            self.items.pop_entry()
        for number, product in enumerate(products, start=1):
            self.items.append_entry(
                {
                    "product_id": product.id,
                    "include": product.id in chosen,
                    "position": chosen.get(product.id, len(chosen) + number),
                }
            )

    def validate_expires_on(self, field) -> None:
        if field.data and field.data < clock.today():
            raise ValidationError("Choose today or a later date.")

    def validate_items(self, field) -> None:
        if not any(row.form.include.data for row in field):
            raise ValidationError("Choose at least one product to show.")

    def to_data(self) -> PortfolioLinkData:
        included = [
            (row.form.position.data or 999, index, row.form.product_id.data)
            for index, row in enumerate(self.items)
            if row.form.include.data
        ]
        return PortfolioLinkData(
            name=self.name.data,
            note=self.note.data or "",
            expires_on=self.expires_on.data,
            product_ids=[product_id for _position, _index, product_id in sorted(included)],
        )
