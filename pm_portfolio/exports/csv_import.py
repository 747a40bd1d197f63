"""Importing a CSV of products, learnings or applications, or a JSON Resume's projects:
upload, preview, then all rows or none.

Rows are checked by the same forms that check what a maker types, so an import
can never store what the pages would refuse. The upload waits as a draft (any
app server can finish it) while the maker reads a preview of what would be
created, updated, left unchanged or rejected; nothing is written unless every row passes, and
then everything is written in one transaction.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import fields
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from pm_portfolio.core.accounts import fill_empty_profile
from pm_portfolio.core.applications import STAGES
from pm_portfolio.core.applications import ApplicationData
from pm_portfolio.core.applications import application_data
from pm_portfolio.core.applications import import_key
from pm_portfolio.core.applications import import_keys
from pm_portfolio.core.applications import owned_applications
from pm_portfolio.core.applications import stage_imported
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.core.learnings import ProductNotOwned
from pm_portfolio.core.learnings import owned_learnings
from pm_portfolio.core.learnings import stage_learnings
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import free_slug
from pm_portfolio.core.products import owned_products
from pm_portfolio.core.products import product_data
from pm_portfolio.core.products import slugify
from pm_portfolio.core.products import slugs_in_use
from pm_portfolio.core.products import stage_products
from pm_portfolio.core.skills import all_skills
from pm_portfolio.database import read_only_transactions
from pm_portfolio.exports import resume_import
from pm_portfolio.exports.formats import APPLICATION_COLUMNS
from pm_portfolio.exports.formats import APPLICATIONS
from pm_portfolio.exports.formats import COLUMNS
from pm_portfolio.exports.formats import LEARNING_COLUMNS
from pm_portfolio.exports.formats import LEARNINGS
from pm_portfolio.exports.formats import METRIC_KEYS
from pm_portfolio.exports.formats import PRODUCT_COLUMNS
from pm_portfolio.exports.formats import PRODUCTS
from pm_portfolio.exports.formats import RESUME
from pm_portfolio.exports.formats import SKILL_SEPARATOR
from pm_portfolio.exports.formats import from_cell
from pm_portfolio.exports.formats import parse_stage_history
from pm_portfolio.exports.formats import parse_timestamp
from pm_portfolio.exports.json_input import load_json
from pm_portfolio.extensions import db
from pm_portfolio.flags import parse_flag
from pm_portfolio.forms.applications import ApplicationForm
from pm_portfolio.forms.fields import form_messages
from pm_portfolio.forms.learnings import LearningForm
from pm_portfolio.forms.products import ProductForm
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Application
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import User

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
# Form field names that differ from the CSV column they come from.
PRODUCT_FIELD_COLUMNS = {"live_url": "url", "is_featured": "featured", "skill_keys": "skills"}
LEARNING_FIELD_COLUMNS = {
    "product_id": "product_slug",
    "is_public": "public",
    "skill_keys": "skills",
}
# Columns that go into the product form as they are.
PRODUCT_TEXT_FIELDS = [
    *CASE_STUDY_TEXTS, "slug", "status", "started_on", "shipped_on", "source_url", "visibility",
]  # fmt: skip


class BadImportFile(Exception):
    """The file as a whole cannot be imported; the message says why and what would work."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str
    # What `line` counts: a CSV's lines, or a JSON Resume's projects (0: not in one).
    place: str = "line"

    def __str__(self) -> str:
        if not self.line:
            return f"{self.column}: {self.message}"
        return f"{self.place} {self.line}, {self.column}: {self.message}"


@dataclass
class ImportPlan:
    """What an import would do: products and learnings to create or update, or its problems.

    Existing rows are named by id, not held as objects, so that a plan outlives the
    transaction that checked it.
    """

    kind: str
    rows: int = 0
    products: list[tuple[ProductData, int | None]] = field(default_factory=list)
    learnings: list[tuple[LearningData, int | None]] = field(default_factory=list)
    applications: list[tuple[ApplicationData, int | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Empty profile fields a JSON Resume fills in, by name.
    profile: dict[str, str] = field(default_factory=dict)
    # Only the first problems are listed (a JSON Resume's schema check stops there).
    more_problems: bool = False
    # Rows that name an existing product or learning and would leave it as it is: not
    # counted as updates, and not saved (a file exported and imported again changes nothing).
    unchanged: int = 0

    @property
    def _changes(self) -> list[tuple[Any, Any]]:
        return [*self.products, *self.learnings, *self.applications]

    @property
    def creates(self) -> int:
        return sum(1 for _data, existing in self._changes if existing is None)

    @property
    def updates(self) -> int:
        return sum(1 for _data, existing in self._changes if existing is not None)

    @property
    def rejected(self) -> int:
        return len({problem.line for problem in self.problems})


def problem_summary(kind: str, problems: list[Problem]) -> str:
    """A restore's first problems, in one message: "product 2, title: …"."""
    shown = "; ".join(
        f"{kind} {problem.line}, {problem.column}: {problem.message}" for problem in problems[:5]
    )
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"The backup has problems, so nothing was restored: {shown}{more}."


def decode_upload(content: bytes) -> str:
    if len(content) > MAX_IMPORT_BYTES:
        raise RequestEntityTooLarge()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadImportFile(
            "This file is not UTF-8 text. Save it as “CSV UTF-8” in Excel, or download it "
            "as CSV from Google Sheets or Numbers, and upload it again."
        ) from error
    # No database stores NUL characters in text, so the file is refused whole, the same
    # way on every database, before it is kept as a draft.
    if "\x00" in text:
        raise BadImportFile(
            "This file contains invisible NUL characters, which cannot be saved. Remove them "
            "(open it in a text editor, or save it again from your spreadsheet) and upload again."
        )
    return text


def _shortened(text: str, limit: int = 40) -> str:
    """Text from the file as a message quotes it: a message must stay short (it may travel
    in the session cookie, which browsers drop past 4 KB)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_rows(text: str, columns: list[str]) -> list[tuple[int, dict[str, str] | None]]:
    """(line, values by column) for each row; None for a row with the wrong number of cells."""
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = ", ".join(columns)
    try:
        header = next(reader, None)
        if header is None:
            raise BadImportFile(f"The file is empty. It needs a header row: {expected}.")
        header = [name.strip() for name in header]
        missing = [name for name in columns if name not in header]
        unexpected = [_shortened(name) for name in header if name not in columns][:5]
        if missing or unexpected or len(header) != len(columns):
            found = "; ".join(
                part
                for part in (
                    f"missing: {', '.join(missing)}" if missing else "",
                    f"not expected: {', '.join(unexpected)}" if unexpected else "",
                )
                if part
            )
            raise BadImportFile(
                f"The header row does not match ({found or 'repeated columns'}). "
                f"The columns must be: {expected}."
            )
        rows: list[tuple[int, dict[str, str] | None]] = []
        next_line = reader.line_num + 1
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_IMPORT_ROWS:
                raise BadImportFile(
                    f"The file has more than {MAX_IMPORT_ROWS:,} rows. Split it into smaller files."
                )
            if len(cells) != len(header):
                rows.append((line, None))
            else:
                rows.append(
                    (
                        line,
                        {name: from_cell(cell) for name, cell in zip(header, cells, strict=True)},
                    )
                )
    except csv.Error as error:
        raise BadImportFile(
            f"The file is not valid CSV near line {reader.line_num}: {error}."
        ) from error
    return rows


def form_problems(line: int, errors: dict, columns: dict[str, str]) -> Iterable[Problem]:
    for name, messages in errors.items():
        column = columns.get(name, name) if name else "row"
        for message in form_messages(messages):
            yield Problem(line, column, message)


def _product_formdata(line: int, values: dict[str, str], problems: list[Problem]) -> MultiDict:
    formdata = MultiDict({name: values[name] for name in PRODUCT_TEXT_FIELDS})
    formdata["live_url"] = values["url"]
    formdata["position"] = values["position"].strip() or "0"
    featured = parse_flag(values["featured"])
    if featured is None:
        problems.append(Problem(line, "featured", "Write true or false."))
    elif featured:
        formdata["is_featured"] = "y"
    for key in values["skills"].split(SKILL_SEPARATOR):
        if key.strip():
            formdata.add("skill_keys", key.strip())
    if values["metrics"].strip():
        try:
            metrics = load_json(values["metrics"])
            if not isinstance(metrics, list):
                raise TypeError
            for index, metric in enumerate(metrics):
                for part in METRIC_KEYS:
                    text = metric.get(part, "")
                    if not isinstance(text, str):
                        raise TypeError
                    formdata[f"metrics-{index}-{part}"] = text
        except (ValueError, TypeError, AttributeError, RecursionError):
            problems.append(
                Problem(
                    line,
                    "metrics",
                    'Write metrics as a JSON list, e.g. [{"label": "users", "value": "140"}].',
                )
            )
    return formdata


def _timestamps(line: int, values: dict[str, str], problems: list[Problem]):
    stamps = []
    for column in ("created_at", "updated_at"):
        try:
            stamps.append(parse_timestamp(values[column]))
        except ValueError:
            problems.append(
                Problem(line, column, "Write a date and time, e.g. 2026-03-31T09:30:00Z.")
            )
            stamps.append(None)
    return stamps


def plan_products(owner_id: int, rows) -> ImportPlan:
    """Check product rows; a row's slug names the product it updates, if one has it."""
    plan = ImportPlan(PRODUCTS, rows=len(rows))
    in_use = slugs_in_use(owner_id)
    form = ProductForm(
        formdata=None,
        meta={"csrf": False},
        skills=all_skills(),
        owner_id=owner_id,
        slugs_in_use=in_use,
    )
    first_line_of_slug: dict[str, int] = {}
    for line, values in rows:
        if values is None:
            plan.problems.append(Problem(line, "row", f"Needs {len(PRODUCT_COLUMNS)} cells."))
            continue
        problems: list[Problem] = []
        slug = values["slug"].strip()
        if slug in first_line_of_slug:
            problems.append(Problem(line, "slug", f"Also used on line {first_line_of_slug[slug]}."))
        elif slug:
            first_line_of_slug[slug] = line
        product_id = in_use.get(slug) if slug else None
        created_at, updated_at = _timestamps(line, values, problems)
        form.existing_product_id = product_id
        form.refill(_product_formdata(line, values, problems))
        if not form.validate():
            problems.extend(form_problems(line, form.errors, PRODUCT_FIELD_COLUMNS))
        if problems:
            plan.problems.extend(problems)
            continue
        data = form.to_data()
        data.cites_nothing_itself = True
        if product_id is None:
            data.created_at, data.updated_at = created_at, updated_at
        plan.products.append((data, product_id))
    _name_new_products(plan, in_use.keys() | first_line_of_slug.keys())
    _set_aside_unchanged_products(owner_id, plan)
    return plan


# What a product row may change; the rest is bookkeeping (times kept from the file) or
# compared apart (skills in any order, metrics by what they say).
_PRODUCT_FIELDS_COMPARED = [
    spec.name
    for spec in fields(ProductData)
    if spec.name not in {"skill_keys", "metrics", "cites_nothing_itself", "created_at",
                         "updated_at"}
]  # fmt: skip


def _product_as_compared(item: Product | ProductData) -> tuple:
    data = product_data(item) if isinstance(item, Product) else item
    return (
        [getattr(data, name) for name in _PRODUCT_FIELDS_COMPARED],
        sorted(data.skill_keys),
        [[getattr(metric, key) for key in METRIC_KEYS] for metric in data.metrics],
    )


def _set_aside_unchanged_products(owner_id: int, plan: ImportPlan) -> None:
    existing = owned_products(owner_id, _existing_ids(plan.products))
    plan.products = _changing(plan, plan.products, existing, _product_as_compared)


def _existing_ids(rows: list[tuple[Any, int | None]]) -> list[int]:
    return [row_id for _data, row_id in rows if row_id is not None]


def _changing(plan: ImportPlan, rows: list, existing: dict, as_compared) -> list:
    """The rows that would change what they name; the others are counted as unchanged."""
    changes = []
    for data, row_id in rows:
        row = existing.get(row_id) if row_id is not None else None
        if row is not None and as_compared(data) == as_compared(row):
            plan.unchanged += 1
        else:
            changes.append((data, row_id))
    return changes


def _name_new_products(plan: ImportPlan, taken: set[str]) -> None:
    """Slugs for new products that have none, from their titles, clear of every slug the
    maker has or the file claims: an automatic slug never collides with a later row."""
    for data, _product_id in plan.products:
        if not data.slug:
            data.slug = free_slug(slugify(data.title), taken)
            taken.add(data.slug)


def plan_learnings(owner_id: int, rows) -> ImportPlan:
    """Check learning rows; one with the same product, title and date updates that learning."""
    plan = ImportPlan(LEARNINGS, rows=len(rows))
    product_ids = slugs_in_use(owner_id)
    existing = {
        (product_id, title, learned_on): learning_id
        for learning_id, product_id, title, learned_on in db.session.execute(
            db.select(Learning.id, Learning.product_id, Learning.title, Learning.learned_on).where(
                Learning.user_id == owner_id
            )
        )
    }
    form = LearningForm(formdata=None, meta={"csrf": False}, skills=all_skills(), products=[])
    for line, values in rows:
        if values is None:
            plan.problems.append(Problem(line, "row", f"Needs {len(LEARNING_COLUMNS)} cells."))
            continue
        problems: list[Problem] = []
        formdata = MultiDict(
            {name: values[name] for name in ("title", "kind", "learned_on", "body")}
        )
        product_slug = values["product_slug"].strip()
        product_id = product_ids.get(product_slug)
        if product_slug and product_id is None:
            problems.append(
                Problem(line, "product_slug", "No product has this slug; import products first.")
            )
        formdata["product_id"] = str(product_id or "")
        public = parse_flag(values["public"])
        if public is None:
            problems.append(Problem(line, "public", "Write true or false."))
        elif public:
            formdata["is_public"] = "y"
        for key in values["skills"].split(SKILL_SEPARATOR):
            if key.strip():
                formdata.add("skill_keys", key.strip())
        created_at, updated_at = _timestamps(line, values, problems)
        # The row's own product is the only choice the form needs to offer.
        form.offer_products([(product_id, product_slug)] if product_id else [])
        form.refill(formdata)
        if not form.validate():
            problems.extend(form_problems(line, form.errors, LEARNING_FIELD_COLUMNS))
        if problems:
            plan.problems.extend(problems)
            continue
        data = form.to_data()
        learning_id = existing.get((data.product_id, data.title, data.learned_on))
        if learning_id is None:
            data.created_at, data.updated_at = created_at, updated_at
        plan.learnings.append((data, learning_id))
    _set_aside_unchanged_learnings(owner_id, plan)
    return plan


# What a learning row may change (the times are bookkeeping, skills in any order).
_LEARNING_FIELDS_COMPARED = [
    spec.name
    for spec in fields(LearningData)
    if spec.name not in {"skill_keys", "created_at", "updated_at"}
]


def _learning_as_compared(learning: Learning | LearningData) -> tuple:
    return (
        [getattr(learning, name) for name in _LEARNING_FIELDS_COMPARED],
        sorted(learning.skill_keys),
    )


def _set_aside_unchanged_learnings(owner_id: int, plan: ImportPlan) -> None:
    existing = owned_learnings(owner_id, _existing_ids(plan.learnings))
    plan.learnings = _changing(plan, plan.learnings, existing, _learning_as_compared)


# The application form's fields the CSV fills, each from its column of the same name.
APPLICATION_FORM_COLUMNS = [
    "company", "role", "posting_url", "stage", "applied_on", "next_step", "next_step_on",
    "private_notes",
]  # fmt: skip


def _stage_history(line: int, values: dict[str, str], problems: list[Problem]):
    try:
        changes = parse_stage_history(values["stage_history"])
    except ValueError:
        problems.append(
            Problem(
                line, "stage_history", "Write it as “2026-12-01 applied; 2026-12-05 interview”."
            )
        )
        return []
    unknown = sorted({stage for _day, stage in changes} - set(STAGES))
    if unknown:
        problems.append(
            Problem(
                line,
                "stage_history",
                f"Not a stage: {', '.join(map(_shortened, unknown))}. "
                f"The stages are {', '.join(STAGES)}.",
            )
        )
    elif changes and changes[-1][1] != values["stage"].strip():
        problems.append(
            Problem(line, "stage_history", "Its last entry must be the application's stage.")
        )
    elif [day for day, _stage in changes] != sorted(day for day, _stage in changes):
        problems.append(Problem(line, "stage_history", "List the changes oldest first."))
    return changes


def plan_applications(owner_id: int, rows) -> ImportPlan:
    """Check application rows; one naming an application the maker has (same company
    and role, in any case, and the same posting address) updates it. The columns that
    say what readers did, and the site (read from the address), are not imported."""
    plan = ImportPlan(APPLICATIONS, rows=len(rows))
    existing = import_keys(owner_id)
    form = ApplicationForm(formdata=None, meta={"csrf": False})
    first_line_of_key: dict[tuple[str, str, str], int] = {}
    for line, values in rows:
        if values is None:
            plan.problems.append(Problem(line, "row", f"Needs {len(APPLICATION_COLUMNS)} cells."))
            continue
        problems: list[Problem] = []
        history = _stage_history(line, values, problems)
        form.refill(MultiDict({name: values[name] for name in APPLICATION_FORM_COLUMNS}))
        if not form.validate():
            problems.extend(form_problems(line, form.errors, {}))
        if problems:
            plan.problems.extend(problems)
            continue
        data = form.to_data()
        data.history = history
        key = import_key(data.company, data.role, data.posting_url)
        if key in first_line_of_key:
            plan.problems.append(
                Problem(
                    line, "company", f"The same application is on line {first_line_of_key[key]}."
                )
            )
            continue
        first_line_of_key[key] = line
        plan.applications.append((data, existing.get(key)))
    kept = owned_applications(owner_id, _existing_ids(plan.applications))
    changing = []
    for data, application_id in plan.applications:
        application = kept.get(application_id) if application_id is not None else None
        if application is not None and _leaves_unchanged(data, application):
            plan.unchanged += 1
        else:
            changing.append((data, application_id))
    plan.applications = changing
    return plan


# What an applications CSV row may change (the history apart).
_APPLICATION_FIELDS_COMPARED = [
    "company", "role", "posting_url", "stage", "applied_on", "next_step", "next_step_on",
    "private_notes",
]  # fmt: skip


def _leaves_unchanged(data: ApplicationData, application: Application) -> bool:
    saved = application_data(application)
    same = all(getattr(data, name) == getattr(saved, name) for name in _APPLICATION_FIELDS_COMPARED)
    # A row without a history leaves the application's own.
    return same and (not data.history or data.history == saved.history)


def plan_resume(
    owner_id: int, text: str, schema_check: resume_import.SchemaCheck | None = None
) -> ImportPlan:
    """A JSON Resume's projects as new private products, and its basics for the empty
    fields of the profile; problems are named by project number. `schema_check`: the
    document's check against the schema, if made already (at upload)."""
    try:
        document = resume_import.read_resume(text)
    except resume_import.NotAResume as error:
        raise BadImportFile(str(error)) from error
    projects = document.get("projects")
    projects = projects if isinstance(projects, list) else []
    if len(projects) > MAX_IMPORT_ROWS:
        raise BadImportFile(f"This resume has {len(projects):,} projects; import at most "
                            f"{MAX_IMPORT_ROWS:,} at a time.")  # fmt: skip
    schema_check = schema_check or resume_import.check_schema(document)
    if schema_check.problems:
        plan = ImportPlan(PRODUCTS, rows=len(projects), more_problems=schema_check.more)
        plan.problems = [
            Problem(problem.project, problem.path, problem.message, "project")
            for problem in schema_check.problems
        ]
        return plan
    rows = [
        (number, resume_import.project_row(project))
        for number, project in enumerate(projects, start=1)
    ]
    plan = plan_products(owner_id, rows)
    plan.problems = [replace(problem, place="project") for problem in plan.problems]
    plan.profile = resume_import.profile_values(
        document.get("basics"), db.session.get(User, owner_id)
    )
    return plan


def plan_import(
    owner_id: int, kind: str, text: str, schema_check: resume_import.SchemaCheck | None = None
) -> ImportPlan:
    if kind == RESUME:
        return plan_resume(owner_id, text, schema_check)
    rows = read_rows(text, COLUMNS[kind])
    if kind == APPLICATIONS:
        return plan_applications(owner_id, rows)
    planner = plan_products if kind == PRODUCTS else plan_learnings
    return planner(owner_id, rows)


def stage_plan(owner_id: int, plan: ImportPlan, today: date) -> None:
    """Put a checked plan's rows in the session, in one batch per kind (`today` dates
    the stage an imported application moves to without a history).

    Raises BadImportFile, with the session rolled back, if the maker's data changed
    since the check so that the plan no longer fits (a slug taken meanwhile, a
    product deleted).
    """
    try:
        products = owned_products(owner_id, [id_ for _data, id_ in plan.products if id_])
        learnings = owned_learnings(owner_id, [id_ for _data, id_ in plan.learnings if id_])
        if plan.products:
            stage_products(
                owner_id, [(data, products[id_] if id_ else None) for data, id_ in plan.products]
            )
        if plan.learnings:
            stage_learnings(
                owner_id, [(data, learnings[id_] if id_ else None) for data, id_ in plan.learnings]
            )
        if plan.applications:
            kept = owned_applications(owner_id, _existing_ids(plan.applications))
            rows = [(data, kept[id_] if id_ else None) for data, id_ in plan.applications]
            stage_imported(owner_id, rows, today)
        if plan.profile:
            fill_empty_profile(db.session.get(User, owner_id), plan.profile)
    except (IntegrityError, KeyError, ProductNotOwned) as error:
        db.session.rollback()
        raise BadImportFile(
            "Your products changed while this import was waiting (an address was taken or a "
            "product deleted), so nothing was imported. Upload the file again to check it anew."
        ) from error


def save_draft(
    owner_id: int,
    kind: str,
    filename: str,
    text: str,
    schema_check: resume_import.SchemaCheck | None = None,
) -> ImportDraft:
    """Keep an upload until the maker confirms its preview; one draft per maker."""
    db.session.execute(db.delete(ImportDraft).where(ImportDraft.user_id == owner_id))
    draft = ImportDraft(
        user_id=owner_id,
        kind=kind,
        filename=filename[:255],
        content=text,
        schema_check=schema_check.as_json() if schema_check else None,
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def owned_draft(owner_id: int, draft_id: int) -> ImportDraft | None:
    return db.session.scalar(
        db.select(ImportDraft).where(ImportDraft.id == draft_id, ImportDraft.user_id == owner_id)
    )


def check_draft(draft: ImportDraft) -> ImportPlan:
    """The plan for a draft, checked without holding SQLite's write lock.

    Checking thousands of rows takes a moment, and other makers' saves must not
    wait for it: the request's transaction so far ends (it has written nothing),
    and the check reads in a transaction of its own, which it ends too.
    """
    owner_id, kind, content = draft.user_id, draft.kind, draft.content
    checked = draft.schema_check
    schema_check = resume_import.SchemaCheck.from_json(checked) if checked else None
    db.session.rollback()
    with read_only_transactions():
        try:
            return plan_import(owner_id, kind, content, schema_check)
        finally:
            db.session.rollback()


def complete_import(owner_id: int, draft_id: int, plan: ImportPlan, today: date) -> None:
    """Write every row of a checked plan and drop its draft, in one transaction.

    The draft is claimed first: a second click on "Import", or the same preview in
    another tab, finds it gone and imports nothing twice.
    """
    if plan.problems:
        raise BadImportFile("Fix the problems listed and upload the file again.")
    claimed = db.session.execute(
        db.delete(ImportDraft).where(ImportDraft.id == draft_id, ImportDraft.user_id == owner_id)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise BadImportFile("This file was imported already; nothing was imported twice.")
    stage_plan(owner_id, plan, today)
    db.session.commit()
