"""The learning form: what makes a valid learning, for the pages and for imports."""

from wtforms import BooleanField
from wtforms import SelectField
from wtforms.validators import InputRequired

from pm_portfolio import clock
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.core.skills import skill_options
from pm_portfolio.forms.fields import MARKDOWN_MAX
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import IsoDateField
from pm_portfolio.forms.fields import MultiCheckboxField
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import text_field
from pm_portfolio.models import LearningKind
from pm_portfolio.models import Skill

GENERAL = ("", "General — not tied to a product")


def optional_id(value) -> str:
    """Product ids travel as text in the form; "" stands for no product."""
    return "" if value in (None, "") else str(value)


class LearningForm(Form):
    title = text_field("What did you learn?", 160, required="Sum up the learning in a line.")
    kind = SelectField(
        "Kind",
        choices=choices((kind.value, kind.label) for kind in LearningKind),
        default=LearningKind.INSIGHT.value,
    )
    learned_on = IsoDateField(
        "When", default=clock.today, validators=[InputRequired("Enter the date, YYYY-MM-DD.")]
    )
    product_id = SelectField("Product", coerce=optional_id, default="")
    body = long_text_field(
        "The story",
        MARKDOWN_MAX,
        "What happened, what you decided or found, and what you would do next. Markdown works.",
    )
    skill_keys = MultiCheckboxField("PM skills it shows")
    is_public = BooleanField(
        "Show it on my portfolio",
        description="Only appears once its product is public too.",
    )

    def __init__(self, *args, skills: list[Skill], products: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.skill_keys.choices = choices(skill_options(skills))
        self.offer_products(products)

    def offer_products(self, products: list[tuple[int, str]]) -> None:
        """The products the learning may be tied to, as (id, name)."""
        self.product_id.choices = choices([GENERAL, *products])

    def to_data(self) -> LearningData:
        return LearningData(
            title=self.title.data,
            kind=self.kind.data,
            learned_on=self.learned_on.data,
            body=self.body.data or "",
            product_id=int(self.product_id.data) if self.product_id.data else None,
            is_public=self.is_public.data,
            skill_keys=list(self.skill_keys.data or []),
        )
