"""The product form: what makes a valid case study, for the pages and for imports."""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import FieldList
from wtforms import Form as SubForm
from wtforms import FormField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import SubmitField
from wtforms import TextAreaField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Optional

from pm_portfolio.core.dates import date_label
from pm_portfolio.core.products import MAX_METRICS
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import date_problems
from pm_portfolio.core.products import slug_problem
from pm_portfolio.core.products import slug_taken
from pm_portfolio.core.skills import skill_options
from pm_portfolio.forms.fields import MARKDOWN_MAX
from pm_portfolio.forms.fields import Form
from pm_portfolio.forms.fields import IsoDateField
from pm_portfolio.forms.fields import MultiCheckboxField
from pm_portfolio.forms.fields import choices
from pm_portfolio.forms.fields import link_field
from pm_portfolio.forms.fields import long_text_field
from pm_portfolio.forms.fields import number_between
from pm_portfolio.forms.fields import strip_whitespace
from pm_portfolio.forms.fields import text_field
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Learning
from pm_portfolio.models import LearningKind
from pm_portfolio.models import MetricDirection
from pm_portfolio.models import ProductStatus
from pm_portfolio.models import Skill
from pm_portfolio.models import Visibility

MARKDOWN_HELP = "Markdown works: **bold**, lists, [links](https://example.com)."
VISIBILITY_OPTIONS = [
    (Visibility.PRIVATE, "Private — only you"),
    (Visibility.UNLISTED, "Unlisted — anyone with its share link"),
    (Visibility.PUBLIC, "Public — on your published portfolio"),
]
STATUS_OPTIONS = [(status.value, status.label) for status in ProductStatus]


def markdown_field(label: str, description: str) -> TextAreaField:
    return long_text_field(label, MARKDOWN_MAX, f"{description} {MARKDOWN_HELP}")


def optional_id(value) -> int | None:
    """A select's value as an id: empty means none chosen."""
    if value in (None, "", "None"):
        return None
    return int(value)


DIRECTION_OPTIONS = [
    ("", "Not said"),
    (MetricDirection.UP, "Higher is better"),
    (MetricDirection.DOWN, "Lower is better"),
]
NO_EVIDENCE = ("", "None")


class MetricForm(SubForm):
    """One result; a row left empty is ignored. Its evidence fields are all optional."""

    label = text_field("Label", 60)
    value = text_field("Value", 40)
    note = text_field("Note", 120)
    baseline = text_field(
        "Before (baseline)", 40, "What it was before, in the same unit, e.g. 14 min."
    )
    unit = text_field("Unit", 20, "If the value does not say it, e.g. min, teams, %.")
    time_window = text_field("Time window", 60, "E.g. first 8 weeks; or give the dates below.")
    window_start = IsoDateField("From", validators=[Optional()])
    window_end = IsoDateField("To", validators=[Optional()])
    direction = SelectField("Better is", choices=choices(DIRECTION_OPTIONS), default="")
    source_url = link_field("Source link", "Where the number comes from, e.g. a public dashboard.")
    source_media_id = SelectField(
        "Or a picture or PDF of this product",
        choices=choices([NO_EVIDENCE]),
        coerce=optional_id,
        validate_choice=False,
        default="",
    )
    caveat = text_field(
        "Caveat", 160, "What a careful reader should know, e.g. n = 38, self-selected."
    )
    target = text_field(
        "Target", 40, "What you aimed for, e.g. 30 % in the hypothesis. Not the baseline."
    )
    remove = BooleanField("Remove")

    def is_blank(self) -> bool:
        return self.remove.data or not (self.label.data or self.value.data or self.note.data)

    def has_evidence(self) -> bool:
        """Whether any of the optional evidence fields is filled (or wrong)."""
        names = ["baseline", "unit", "time_window", "window_start", "window_end", "direction",
                 "source_url", "source_media_id", "caveat", "target"]  # fmt: skip
        return any(self[name].data or self[name].errors for name in names)

    def validate_label(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError("Name this metric, e.g. weekly active users.")

    def validate_value(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError("Give its value as you would say it, e.g. 1,200.")

    def validate_window_end(self, field) -> None:
        if field.data and self.window_start.data and field.data < self.window_start.data:
            raise ValidationError("The window ends after it starts.")

    def offer_evidence(self, options: list[tuple[int, str]]) -> None:
        self.source_media_id.choices = choices([NO_EVIDENCE, *options])

    def to_data(self) -> MetricData:
        return MetricData(
            label=self.label.data,
            value=self.value.data,
            note=self.note.data or "",
            baseline=self.baseline.data or "",
            unit=self.unit.data or "",
            time_window=self.time_window.data or "",
            window_start=self.window_start.data,
            window_end=self.window_end.data,
            direction=self.direction.data or "",
            source_url=self.source_url.data or "",
            source_media_id=self.source_media_id.data,
            caveat=self.caveat.data or "",
            target=self.target.data or "",
        )


class ProductForm(Form):
    title = text_field("Title", 120, required="Give your product a title.")
    tagline = text_field(
        "Tagline",
        160,
        'One line: what it is and for whom. E.g. "Async stand-ups in Slack for '
        'remote teams of 5 to 50."',
    )
    # Asked, not assumed: a product left at "idea" by default stays off the portfolio,
    # which surprised makers who thought they had published it.
    status = SelectField(
        "Status",
        choices=choices([("", "Choose where it stands…"), *STATUS_OPTIONS]),
        default="",
        validators=[DataRequired("Choose where it stands: idea, building, shipped or sunset.")],
        description="Your portfolio shows ideas only if you choose to when you publish it.",
    )
    role = text_field(
        "Your role",
        120,
        'What you did, not only your title. E.g. "Solo: interviews, design, build" '
        'or "PM in a team of 3".',
    )
    started_on = IsoDateField("Started on", validators=[Optional()])
    shipped_on = IsoDateField(
        "Shipped on",
        validators=[Optional()],
        description="Needed once the product is shipped or sunset.",
    )
    target_users = text_field(
        "Target users",
        200,
        'As precisely as you can. E.g. "Engineering managers of remote teams across '
        'three or more time zones."',
    )
    problem = markdown_field(
        "Problem",
        "Who had it, how you knew, and how much it mattered. E.g. “9 of 12 managers I "
        "interviewed said stand-ups were the meeting they would cut first.”",
    )
    hypothesis = markdown_field(
        "Hypothesis",
        "If we build X, Y will happen, and we will know because Z. E.g. “If updates are "
        "async, 30% of teams will still use it after four weeks.”",
    )
    solution = markdown_field(
        "What you built",
        "What it does, how you built it and in how long. E.g. “A Slack app that asks three "
        "questions at each person's 10 am; six weekends with Python.”",
    )
    tradeoffs = markdown_field(
        "Trade-offs",
        "What you chose not to build, and why. E.g. “Cut Jira integration: 2 of 12 asked for "
        "it, and it would have doubled the build.”",
    )
    outcome = markdown_field(
        "Outcome",
        "What happened, in numbers if you can, and what you did next. Killed or pivoted are "
        "honest outcomes. E.g. “38% four-week retention, above the 30% bar: kept it running.”",
    )
    metrics = FieldList(FormField(MetricForm), "Metric", max_entries=MAX_METRICS)
    add_metric = SubmitField("Add another metric")
    skill_keys = MultiCheckboxField("PM skills it demonstrates")
    live_url = link_field("Live URL")
    source_url = link_field("Source URL")
    visibility = RadioField(
        "Who can see it", choices=choices(VISIBILITY_OPTIONS), default=Visibility.PRIVATE.value
    )
    is_featured = BooleanField("Feature it at the top of your portfolio")
    position = IntegerField(
        "Order on your portfolio",
        default=0,
        validators=[Optional(), number_between(0, 9999)],
        description="Lower numbers come first.",
    )
    slug = StringField(
        "Address (slug)",
        filters=[strip_whitespace],
        description="The end of its public address. Leave empty to make one from the title.",
    )

    def __init__(
        self,
        *args,
        skills: list[Skill],
        owner_id: int,
        product_id: int | None = None,
        slugs_in_use: Mapping[str, int] | None = None,
        evidence: list[tuple[int, str]] | None = None,
        **kwargs,
    ):
        """`slugs_in_use` (slug to product id), when given, saves a query per form: imports
        check thousands of rows. `evidence` (media id, description) are the product's own
        pictures and PDFs a metric may cite as its source."""
        super().__init__(*args, **kwargs)
        self.skill_keys.choices = choices(skill_options(skills))
        self._owner_id = owner_id
        self.existing_product_id = product_id
        self._slugs_in_use = slugs_in_use
        self.evidence_options = evidence or []
        for entry in self.metrics:
            entry.form.offer_evidence(self.evidence_options)

    def _slug_taken(self, slug: str) -> bool:
        if self._slugs_in_use is None:
            return slug_taken(self._owner_id, slug, self.existing_product_id)
        return self._slugs_in_use.get(slug, self.existing_product_id) != self.existing_product_id

    def validate_slug(self, field) -> None:
        if not field.data:
            return
        problem = slug_problem(field.data)
        if problem:
            raise ValidationError(problem)
        if self._slug_taken(field.data):
            raise ValidationError("You already have a product at this address.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problems = date_problems(self.status.data, self.started_on.data, self.shipped_on.data)
        for name, message in problems.items():
            self[name].errors = [*self[name].errors, message]
        return valid and not problems

    def add_metric_row(self) -> None:
        if len(self.metrics) < MAX_METRICS:
            self.metrics.append_entry().form.offer_evidence(self.evidence_options)

    def ensure_blank_metric_row(self) -> None:
        """Leave one empty row to type a new metric into, while there is room."""
        rows = self.metrics.entries
        has_blank = rows and rows[-1].form.is_blank()
        if not has_blank and len(rows) < MAX_METRICS:
            self.add_metric_row()

    def metric_row_template(self) -> MetricForm:
        """An empty row named like the next one, which the browser copies to add rows."""
        row = MetricForm(prefix=f"{self.metrics.name}-__index__-")
        row.offer_evidence(self.evidence_options)
        return row

    def to_data(self) -> ProductData:
        return ProductData(
            **{name: self[name].data or "" for name in CASE_STUDY_TEXTS},
            slug=self.slug.data or "",
            status=self.status.data,
            started_on=self.started_on.data,
            shipped_on=self.shipped_on.data,
            live_url=self.live_url.data or "",
            source_url=self.source_url.data or "",
            visibility=self.visibility.data,
            is_featured=self.is_featured.data,
            position=self.position.data or 0,
            skill_keys=list(self.skill_keys.data or []),
            metrics=[
                row.to_data()
                for row in (entry.form for entry in self.metrics)
                if not row.is_blank()
            ],
        )


DRAFT_SECTIONS = [
    ("problem", "The problem"),
    ("hypothesis", "The hypothesis"),
    ("tradeoffs", "Trade-offs"),
    ("outcome", "Outcome"),
]


class JournalDraftForm(SubForm):
    """Pick build-log entries and a section: the product form comes back with them
    written into it as a Markdown draft, and nothing is saved until "Save"."""

    entries = MultiCheckboxField("Entries from this product's build log")
    section = SelectField("Add them to", choices=choices(DRAFT_SECTIONS), default="tradeoffs")
    insert = SubmitField("Insert as a draft")

    def offer(self, build_log: list[Learning]) -> None:
        # A private entry may go into a section readers see: the maker should know it.
        self.entries.choices = choices(
            (entry.id, f"{date_label(entry.learned_on)} \N{EM DASH} "
                       f"{LearningKind(entry.kind).label}: {entry.title}"
                       f"{'' if entry.is_public else ' (private)'}")
            for entry in build_log
        )  # fmt: skip

    def validate_entries(self, field) -> None:
        if not field.data:
            raise ValidationError("Pick at least one entry.")

    def chosen(self, build_log: list[Learning]) -> list[Learning]:
        picked = set(self.entries.data or [])
        return [entry for entry in build_log if str(entry.id) in picked]

    @property
    def section_label(self) -> str:
        return dict(DRAFT_SECTIONS)[self.section.data]


def product_formdata(data: ProductData) -> MultiDict:
    """What the product form would send for `data`: to check data that did not come from
    the form (a restored revision) by the form's own rules."""
    formdata = MultiDict()
    for name in (*CASE_STUDY_TEXTS, "slug", "status", "live_url", "source_url", "visibility"):
        formdata[name] = getattr(data, name)
    formdata["position"] = str(data.position)
    for name in ("started_on", "shipped_on"):
        formdata[name] = getattr(data, name).isoformat() if getattr(data, name) else ""
    if data.is_featured:
        formdata["is_featured"] = "y"
    for key in data.skill_keys:
        formdata.add("skill_keys", key)
    for index, metric in enumerate(data.metrics):
        for name, value in asdict(metric).items():
            if isinstance(value, date):
                value = value.isoformat()
            formdata[f"metrics-{index}-{name}"] = "" if value is None else str(value)
    return formdata
