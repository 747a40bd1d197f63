"""Importing CSV files and JSON backups: every row is checked first, then all are written at once.

Rows are checked by the same forms that check what a maker types, so an import
can never store what the pages would refuse. Nothing is written unless every
row passes, and then everything is written in one transaction.
"""

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from pm_portfolio.accounts.forms import ProfileForm
from pm_portfolio.exports.services import BACKUP_FORMAT
from pm_portfolio.exports.services import BACKUP_FORMAT_VERSION
from pm_portfolio.exports.services import LEARNING_COLUMNS
from pm_portfolio.exports.services import PRODUCT_COLUMNS
from pm_portfolio.exports.services import SKILL_SEPARATOR
from pm_portfolio.exports.services import flag
from pm_portfolio.exports.services import from_cell
from pm_portfolio.extensions import db
from pm_portfolio.learnings.forms import LearningForm
from pm_portfolio.learnings.services import LearningData
from pm_portfolio.learnings.services import stage_learning
from pm_portfolio.models import ImportDraft
from pm_portfolio.models import Learning
from pm_portfolio.models import Product
from pm_portfolio.models import User
from pm_portfolio.portfolio.services import mark_portfolio_changed
from pm_portfolio.products.forms import ProductForm
from pm_portfolio.products.services import ProductData
from pm_portfolio.products.services import stage_product
from pm_portfolio.skills import all_skills

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
PRODUCTS = "products"
LEARNINGS = "learnings"
COLUMNS = {PRODUCTS: PRODUCT_COLUMNS, LEARNINGS: LEARNING_COLUMNS}
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n", ""}
# Form field names that differ from the CSV column they come from.
PRODUCT_FIELD_COLUMNS = {"live_url": "url", "is_featured": "featured", "skill_keys": "skills"}
LEARNING_FIELD_COLUMNS = {
    "product_id": "product_slug",
    "is_public": "public",
    "skill_keys": "skills",
}
PROFILE_FIELDS = [
    "display_name", "headline", "bio", "website_url", "linkedin_url", "github_url",
    "is_published", "show_ideas",
]  # fmt: skip
PRODUCT_TEXT_FIELDS = [
    "slug", "title", "tagline", "target_users", "status", "role", "started_on", "shipped_on",
    "source_url", "visibility", "problem", "hypothesis", "solution", "tradeoffs", "outcome",
]  # fmt: skip


class BadImportFile(Exception):
    """The file as a whole cannot be imported; the message says why and what would work."""


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}"


@dataclass
class ImportPlan:
    """What an import would do: products and learnings to create or update, or its problems."""

    kind: str
    rows: int = 0
    products: list[tuple[ProductData, Product | None]] = field(default_factory=list)
    learnings: list[tuple[LearningData, Learning | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def _changes(self) -> list[tuple[Any, Any]]:
        return [*self.products, *self.learnings]

    @property
    def creates(self) -> int:
        return sum(1 for _data, existing in self._changes if existing is None)

    @property
    def updates(self) -> int:
        return sum(1 for _data, existing in self._changes if existing is not None)

    @property
    def rejected(self) -> int:
        return len({problem.line for problem in self.problems})


def decode_upload(content: bytes) -> str:
    if len(content) > MAX_IMPORT_BYTES:
        raise RequestEntityTooLarge(f"Files can be up to {MAX_IMPORT_BYTES // 1024 // 1024} MB.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadImportFile(
            "This file is not UTF-8 text. Save it as “CSV UTF-8” in Excel, or download it "
            "as CSV from Google Sheets or Numbers, and upload it again."
        ) from error


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
        unexpected = [name for name in header if name not in columns]
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


def _flag(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _timestamp(value: str) -> datetime | None:
    """An ISO 8601 date and time; raises ValueError for anything else."""
    if not value.strip():
        return None
    parsed = datetime.fromisoformat(value.strip())
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _form_problems(line: int, errors: dict, columns: dict[str, str]) -> Iterable[Problem]:
    for name, messages in errors.items():
        column = columns.get(name, name) if name else "row"
        for message in _flatten(messages):
            yield Problem(line, column, message)


def _flatten(messages) -> Iterable[str]:
    if isinstance(messages, str):
        yield messages
    elif isinstance(messages, dict):
        for nested in messages.values():
            yield from _flatten(nested)
    else:
        for nested in messages:
            yield from _flatten(nested)


def _product_formdata(line: int, values: dict[str, str], problems: list[Problem]) -> MultiDict:
    formdata = MultiDict({name: values[name] for name in PRODUCT_TEXT_FIELDS})
    formdata["live_url"] = values["url"]
    formdata["position"] = values["position"].strip() or "0"
    featured = _flag(values["featured"])
    if featured is None:
        problems.append(Problem(line, "featured", "Write true or false."))
    elif featured:
        formdata["is_featured"] = "y"
    for key in values["skills"].split(SKILL_SEPARATOR):
        if key.strip():
            formdata.add("skill_keys", key.strip())
    if values["metrics"].strip():
        try:
            metrics = json.loads(values["metrics"])
            if not isinstance(metrics, list):
                raise TypeError
            for index, metric in enumerate(metrics):
                for part in ("label", "value", "note"):
                    text = metric.get(part, "")
                    if not isinstance(text, str):
                        raise TypeError
                    formdata[f"metrics-{index}-{part}"] = text
        except (ValueError, TypeError, AttributeError):
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
            stamps.append(_timestamp(values[column]))
        except ValueError:
            problems.append(
                Problem(line, column, "Write a date and time, e.g. 2026-03-31T09:30:00Z.")
            )
            stamps.append(None)
    return stamps


def plan_products(owner_id: int, rows) -> ImportPlan:
    plan = ImportPlan(PRODUCTS, rows=len(rows))
    existing = {
        product.slug: product
        for product in db.session.scalars(db.select(Product).where(Product.user_id == owner_id))
    }
    skills = all_skills()
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
        product = existing.get(slug) if slug else None
        formdata = _product_formdata(line, values, problems)
        created_at, updated_at = _timestamps(line, values, problems)
        form = ProductForm(
            formdata=formdata,
            meta={"csrf": False},
            skills=skills,
            owner_id=owner_id,
            product_id=product.id if product else None,
        )
        if not form.validate():
            problems.extend(_form_problems(line, form.errors, PRODUCT_FIELD_COLUMNS))
        if problems:
            plan.problems.extend(problems)
            continue
        data = form.to_data()
        if product is None:
            data.created_at, data.updated_at = created_at, updated_at
        plan.products.append((data, product))
    return plan


def plan_learnings(owner_id: int, rows) -> ImportPlan:
    plan = ImportPlan(LEARNINGS, rows=len(rows))
    product_ids = dict(
        db.session.execute(
            db.select(Product.slug, Product.id).where(Product.user_id == owner_id)
        ).all()
    )
    existing = {
        (learning.product_id, learning.title, learning.learned_on): learning
        for learning in db.session.scalars(db.select(Learning).where(Learning.user_id == owner_id))
    }
    skills = all_skills()
    choices = [(product_id, slug) for slug, product_id in product_ids.items()]
    for line, values in rows:
        if values is None:
            plan.problems.append(Problem(line, "row", f"Needs {len(LEARNING_COLUMNS)} cells."))
            continue
        problems: list[Problem] = []
        formdata = MultiDict(
            {name: values[name] for name in ("title", "kind", "learned_on", "body")}
        )
        product_slug = values["product_slug"].strip()
        if product_slug and product_slug not in product_ids:
            problems.append(
                Problem(line, "product_slug", "No product has this slug; import products first.")
            )
        formdata["product_id"] = str(product_ids.get(product_slug, ""))
        public = _flag(values["public"])
        if public is None:
            problems.append(Problem(line, "public", "Write true or false."))
        elif public:
            formdata["is_public"] = "y"
        for key in values["skills"].split(SKILL_SEPARATOR):
            if key.strip():
                formdata.add("skill_keys", key.strip())
        created_at, updated_at = _timestamps(line, values, problems)
        form = LearningForm(
            formdata=formdata, meta={"csrf": False}, skills=skills, products=choices
        )
        if not form.validate():
            problems.extend(_form_problems(line, form.errors, LEARNING_FIELD_COLUMNS))
        if problems:
            plan.problems.extend(problems)
            continue
        data = form.to_data()
        learning = existing.get((data.product_id, data.title, data.learned_on))
        if learning is None:
            data.created_at, data.updated_at = created_at, updated_at
        plan.learnings.append((data, learning))
    return plan


def plan_import(owner_id: int, kind: str, text: str) -> ImportPlan:
    rows = read_rows(text, COLUMNS[kind])
    planner = plan_products if kind == PRODUCTS else plan_learnings
    return planner(owner_id, rows)


def _stage(owner_id: int, plan: ImportPlan) -> None:
    """Put a checked plan's rows in the session; a slug clash undoes the whole import."""
    try:
        for data, product in plan.products:
            stage_product(owner_id, data, product)
        for data, learning in plan.learnings:
            stage_learning(owner_id, data, learning)
    except IntegrityError as error:
        db.session.rollback()
        raise BadImportFile(
            "Two products in the import would share an address (slug). "
            "Give them different slugs and try again."
        ) from error


def save_draft(owner_id: int, kind: str, filename: str, text: str) -> ImportDraft:
    """Keep an upload until the maker confirms its preview; one draft per maker."""
    db.session.execute(db.delete(ImportDraft).where(ImportDraft.user_id == owner_id))
    draft = ImportDraft(user_id=owner_id, kind=kind, filename=filename[:255], content=text)
    db.session.add(draft)
    db.session.commit()
    return draft


def owned_draft(owner_id: int, draft_id: int) -> ImportDraft | None:
    return db.session.scalar(
        db.select(ImportDraft).where(ImportDraft.id == draft_id, ImportDraft.user_id == owner_id)
    )


def complete_import(draft: ImportDraft, plan: ImportPlan) -> None:
    """Write every row of a checked plan and drop the draft, in one transaction."""
    if plan.problems:
        raise BadImportFile("Fix the problems listed and upload the file again.")
    _stage(draft.user_id, plan)
    db.session.delete(draft)
    mark_portfolio_changed(draft.user_id)
    db.session.commit()


@dataclass(frozen=True)
class RestoreSummary:
    products: int
    learnings: int

    def __str__(self) -> str:
        def count(number: int, noun: str) -> str:
            return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

        return f"{count(self.products, 'product')} and {count(self.learnings, 'learning')}"


def _backup_items(backup: dict, key: str) -> list[dict]:
    items = backup.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadImportFile(f"The backup's “{key}” is not a list of objects.")
    return items


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return flag(value)
    if isinstance(value, str | int):
        return str(value)
    raise TypeError


def _product_values(item: dict) -> dict[str, str]:
    values = {column: _text(item.get(column)) for column in PRODUCT_TEXT_FIELDS}
    values["position"] = _text(item.get("position"))
    values["created_at"] = _text(item.get("created_at"))
    values["updated_at"] = _text(item.get("updated_at"))
    values["url"] = _text(item.get("live_url"))
    values["featured"] = _text(bool(item.get("is_featured")))
    values["skills"] = SKILL_SEPARATOR.join(map(_text, item.get("skills") or []))
    values["metrics"] = json.dumps(item.get("metrics") or [])
    return values


def _learning_values(item: dict) -> dict[str, str]:
    values = {
        column: _text(item.get(column))
        for column in ("product_slug", "title", "kind", "learned_on", "body", "created_at",
                       "updated_at")
    }  # fmt: skip
    values["public"] = _text(bool(item.get("is_public")))
    values["skills"] = SKILL_SEPARATOR.join(map(_text, item.get("skills") or []))
    return values


def _as_rows(items: list[dict], convert) -> list[tuple[int, dict[str, str] | None]]:
    rows = []
    for number, item in enumerate(items, start=1):
        try:
            rows.append((number, convert(item)))
        except (TypeError, AttributeError):
            rows.append((number, None))
    return rows


def _problem_summary(kind: str, problems: list[Problem]) -> str:
    shown = "; ".join(
        f"{kind} {problem.line}, {problem.column}: {problem.message}" for problem in problems[:5]
    )
    more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
    return f"The backup has problems, so nothing was restored: {shown}{more}."


def restore_backup(user: User, content: bytes) -> RestoreSummary:
    """Put a JSON backup into an empty account: profile, products and learnings, or nothing."""
    try:
        backup = json.loads(decode_upload(content))
    except ValueError as error:
        raise BadImportFile("This is not a PM Portfolio backup: it is not valid JSON.") from error
    if not isinstance(backup, dict) or backup.get("format") != BACKUP_FORMAT:
        raise BadImportFile("This is not a PM Portfolio backup (its “format” is missing).")
    if backup.get("format_version") != BACKUP_FORMAT_VERSION:
        raise BadImportFile(
            f"This backup has format version {backup.get('format_version')!r}; "
            f"this server reads version {BACKUP_FORMAT_VERSION}."
        )
    owns_anything = db.session.scalar(
        db.select(Product.id).where(Product.user_id == user.id).limit(1)
    ) or db.session.scalar(db.select(Learning.id).where(Learning.user_id == user.id).limit(1))
    if owns_anything:
        raise BadImportFile(
            "A backup is restored into an empty account, and this one already has products "
            "or learnings. Restore it into a new account instead."
        )
    profile = backup.get("profile") or {}
    if not isinstance(profile, dict):
        raise BadImportFile("The backup's “profile” is not an object.")
    try:
        formdata = MultiDict(
            {
                name: "y" if profile.get(name) is True else _text(profile.get(name))
                for name in PROFILE_FIELDS
                if profile.get(name) not in (None, False)
            }
        )
    except TypeError as error:
        raise BadImportFile("The backup's profile has a value of the wrong type.") from error
    profile_form = ProfileForm(formdata=formdata, meta={"csrf": False})
    if not profile_form.validate():
        problems = list(_form_problems(1, profile_form.errors, {}))
        raise BadImportFile(_problem_summary("profile", problems))

    products = plan_products(user.id, _as_rows(_backup_items(backup, "products"), _product_values))
    if products.problems:
        raise BadImportFile(_problem_summary("product", products.problems))
    _stage(user.id, products)
    db.session.flush()
    learnings = plan_learnings(
        user.id, _as_rows(_backup_items(backup, "learnings"), _learning_values)
    )
    if learnings.problems:
        db.session.rollback()
        raise BadImportFile(_problem_summary("learning", learnings.problems))
    _stage(user.id, learnings)
    profile_form.populate_obj(user)
    mark_portfolio_changed(user.id)
    db.session.commit()
    return RestoreSummary(products=len(products.products), learnings=len(learnings.learnings))
