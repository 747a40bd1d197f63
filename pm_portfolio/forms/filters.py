"""The filters above the product list and the journal, also honoured by their CSV exports.

Read from the query string: a value that is not on offer (an old bookmark, a
deleted product) falls back to showing everything rather than to an error.
"""

from typing import Self

from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from pm_portfolio.core.learnings import LearningFilters
from pm_portfolio.core.products import ProductFilters
from pm_portfolio.core.skills import skill_options
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.learnings import optional_id
from pm_portfolio.forms.products import STATUS_OPTIONS
from pm_portfolio.models import LearningKind
from pm_portfolio.models import Skill


class ProductFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=choices([("", "Any status"), *STATUS_OPTIONS]),
        default="",
    )
    skill = SelectField("Skill", default="")

    def __init__(self, *args, skills: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.skill.choices = choices([("", "Any skill"), *skill_options(skills)])

    @classmethod
    def from_query(cls, query: MultiDict, skills: list[Skill]) -> Self:
        form = cls(query, skills=skills)
        return form if form.validate() else cls(formdata=None, skills=skills)

    def to_filters(self) -> ProductFilters:
        return ProductFilters(status=self.status.data or "", skill_key=self.skill.data or "")


class JournalFilterForm(Form):
    class Meta:
        csrf = False

    product = SelectField("Product", coerce=optional_id, default="")
    kind = SelectField(
        "Kind",
        choices=choices([("", "Any kind"), *((kind.value, kind.label) for kind in LearningKind)]),
        default="",
    )
    skill = SelectField("Skill", default="")

    def __init__(self, *args, skills: list[Skill], products: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.product.choices = choices([("", "All products"), *products])
        self.skill.choices = choices([("", "Any skill"), *skill_options(skills)])

    @classmethod
    def from_query(
        cls, query: MultiDict, skills: list[Skill], products: list[tuple[int, str]]
    ) -> Self:
        form = cls(query, skills=skills, products=products)
        return form if form.validate() else cls(formdata=None, skills=skills, products=products)

    def to_filters(self) -> LearningFilters:
        return LearningFilters(
            product_id=int(self.product.data) if self.product.data else None,
            skill_key=self.skill.data or "",
            kind=self.kind.data or "",
        )
