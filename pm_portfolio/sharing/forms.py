"""The form for a per-employer share link."""

from wtforms import FieldList
from wtforms import FormField
from wtforms import ValidationError
from wtforms.validators import Optional

from pm_portfolio import clock
from pm_portfolio.core.share_links import PortfolioLinkData
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import IsoDateField
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import text_field
from pm_portfolio.forms.link_items import LinkItemForm
from pm_portfolio.forms.link_items import chosen_product_ids
from pm_portfolio.forms.link_items import fill_link_items
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink


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
        fill_link_items(self.items, products, link)

    def validate_expires_on(self, field) -> None:
        if field.data and field.data < clock.today():
            raise ValidationError("Choose today or a later date.")

    def validate_items(self, field) -> None:
        if not any(row.form.include.data for row in field):
            raise ValidationError("Choose at least one product to show.")

    def to_data(self) -> PortfolioLinkData:
        return PortfolioLinkData(
            name=self.name.data,
            note=self.note.data or "",
            expires_on=self.expires_on.data,
            product_ids=chosen_product_ids(self.items),
        )
