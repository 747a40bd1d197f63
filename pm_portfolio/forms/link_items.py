"""The products a share link shows, as a form picks them: one row per shareable product,
ticked to include it, numbered for its place. A portfolio link's form and an
application's use it alike."""

from wtforms import BooleanField
from wtforms import FieldList
from wtforms import Form as SubForm
from wtforms import IntegerField
from wtforms.validators import DataRequired
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from pm_portfolio.forms.fields import number_between
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink


class LinkItemForm(SubForm):
    """One product the link may show: ticked to include it, with its place in the order."""

    product_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    include = BooleanField("Include")
    position = IntegerField("Order", validators=[Optional(), number_between(1, 999)])


def fill_link_items(rows: FieldList, products: list[Product], link: ShareLink | None) -> None:
    """One row per shareable product; a link's own products come ticked, in its order."""
    chosen = {item.product_id: item.position + 1 for item in link.items} if link else {}
    while rows.entries:
        rows.pop_entry()
    for number, product in enumerate(products, start=1):
        rows.append_entry(
            {
                "product_id": product.id,
                "include": product.id in chosen,
                "position": chosen.get(product.id, len(chosen) + number),
            }
        )


def chosen_product_ids(rows: FieldList) -> list[int]:
    """The ticked products, by their numbers (rows in their own order where equal)."""
    included = [
        (row.form.position.data or 999, index, row.form.product_id.data)
        for index, row in enumerate(rows)
        if row.form.include.data
    ]
    return [product_id for _position, _index, product_id in sorted(included)]
