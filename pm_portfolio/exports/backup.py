"""A full backup of everything a maker owns, and restoring it into an empty account.

Two forms: JSON (format version 1: profile, products, learnings) and a ZIP of
that JSON with the media described (version 2) and every media file beside it.
A restore is all or nothing: the profile, products and learnings are checked by
the same forms as the pages and written through the same rules (through the
CSV import's planning); media items and files are checked by media_backup; all
of it is committed together, after the files are stored.
"""

import json
from dataclasses import dataclass
from dataclasses import fields
from datetime import datetime
from typing import IO
from typing import Any

from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from pm_portfolio import clock
from pm_portfolio.core import revisions
from pm_portfolio.core.accounts import ProfileData
from pm_portfolio.core.accounts import stage_profile
from pm_portfolio.core.dates import known_time_zone
from pm_portfolio.core.media import Limits
from pm_portfolio.core.media import lock_maker_limits
from pm_portfolio.core.results import metric_record
from pm_portfolio.core.storage import Storage
from pm_portfolio.exports import media_backup
from pm_portfolio.exports.application_backup import backup_applications
from pm_portfolio.exports.application_backup import restore_applications
from pm_portfolio.exports.csv_import import PRODUCT_TEXT_FIELDS
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.exports.csv_import import decode_upload
from pm_portfolio.exports.csv_import import form_problems
from pm_portfolio.exports.csv_import import plan_learnings
from pm_portfolio.exports.csv_import import plan_products
from pm_portfolio.exports.csv_import import problem_summary
from pm_portfolio.exports.csv_import import stage_plan
from pm_portfolio.exports.feedback_backup import backup_endorsements
from pm_portfolio.exports.feedback_backup import backup_review_links
from pm_portfolio.exports.feedback_backup import restore_feedback
from pm_portfolio.exports.formats import METRIC_KEYS
from pm_portfolio.exports.formats import SKILL_SEPARATOR
from pm_portfolio.exports.formats import flag
from pm_portfolio.exports.formats import iso_date
from pm_portfolio.exports.formats import iso_datetime
from pm_portfolio.exports.formats import parse_timestamp
from pm_portfolio.exports.json_input import load_json
from pm_portfolio.exports.media_backup import ARCHIVE_DOCUMENT
from pm_portfolio.extensions import db
from pm_portfolio.forms.profile import ProfileForm
from pm_portfolio.models import CASE_STUDY_TEXTS
from pm_portfolio.models import Application
from pm_portfolio.models import Learning
from pm_portfolio.models import MediaItem
from pm_portfolio.models import Product
from pm_portfolio.models import ProductRevision
from pm_portfolio.models import User

BACKUP_FORMAT = "pm-portfolio-backup"
BACKUP_FORMAT_VERSION = 1
ARCHIVE_FORMAT_VERSION = 2
BATCH_SIZE = 1000
PROFILE_FIELDS = [field.name for field in fields(ProfileData)]
# Set on the publish step, not in the profile form; a backup keeps them too.
PUBLISHING_FIELDS = ["is_published", "show_ideas"]


def _metrics_json(product: Product) -> list[dict[str, Any]]:
    """Each metric with every field; a cited picture or PDF as its index among the
    product's media in the backup (which lists them in the same order)."""
    media_ids = [item.id for item in product.media]
    metrics = []
    for metric in product.metrics:
        values = {**dict.fromkeys(METRIC_KEYS, ""), **metric_record(metric)}
        if metric.source_media_id in media_ids:
            values["source_media"] = media_ids.index(metric.source_media_id)
        metrics.append(values)
    return metrics


def _backup_products(owner_id: int):
    return db.session.scalars(
        db.select(Product)
        .where(Product.user_id == owner_id)
        .options(
            selectinload(Product.skills),
            selectinload(Product.metrics),
            selectinload(Product.media),
        )
        .order_by(Product.created_at, Product.id)
        .execution_options(yield_per=BATCH_SIZE)
    )


def _backup_learnings(owner_id: int):
    return db.session.scalars(
        db.select(Learning)
        .where(Learning.user_id == owner_id)
        .options(selectinload(Learning.skills), selectinload(Learning.product))
        .order_by(Learning.created_at, Learning.id)
        .execution_options(yield_per=BATCH_SIZE)
    )


def _backup_revisions(owner_id: int) -> dict[int, list[dict[str, Any]]]:
    """Each product's revisions, oldest first."""
    history: dict[int, list[dict[str, Any]]] = {}
    for revision in db.session.scalars(
        db.select(ProductRevision)
        .join(Product, Product.id == ProductRevision.product_id)
        .where(Product.user_id == owner_id)
        .order_by(ProductRevision.product_id, ProductRevision.created_at, ProductRevision.id)
    ):
        history.setdefault(revision.product_id, []).append(
            {
                "created_at": iso_datetime(revision.created_at),
                "changed": revision.changed,
                "content": revision.content,
            }
        )
    return history


def backup(user: User, now: datetime) -> dict[str, Any]:
    """Everything the maker owns, as JSON-ready data (share tokens and view counts aside)."""
    history = _backup_revisions(user.id)
    products = _backup_products(user.id)
    learnings = _backup_learnings(user.id)
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "exported_at": iso_datetime(now),
        "profile": {
            "username": user.username,
            **{name: getattr(user, name) for name in (*PROFILE_FIELDS, *PUBLISHING_FIELDS)},
        },
        "products": [
            {
                "slug": product.slug,
                **{name: getattr(product, name) for name in CASE_STUDY_TEXTS},
                "status": product.status,
                "started_on": iso_date(product.started_on) or None,
                "shipped_on": iso_date(product.shipped_on) or None,
                "live_url": product.live_url,
                "source_url": product.source_url,
                "visibility": product.visibility,
                "is_featured": product.is_featured,
                "position": product.position,
                "skills": product.skill_keys,
                "metrics": _metrics_json(product),
                "created_at": iso_datetime(product.created_at),
                "updated_at": iso_datetime(product.updated_at),
                "revisions": history.get(product.id, []),
            }
            for product in products
        ],
        "learnings": [
            {
                "product_slug": learning.product.slug if learning.product else None,
                "title": learning.title,
                "kind": learning.kind,
                "learned_on": iso_date(learning.learned_on),
                "skills": learning.skill_keys,
                "is_public": learning.is_public,
                "body": learning.body,
                "created_at": iso_datetime(learning.created_at),
                "updated_at": iso_datetime(learning.updated_at),
            }
            for learning in learnings
        ],
        "applications": backup_applications(user.id),
        "review_links": backup_review_links(user.id),
        "endorsements": backup_endorsements(user.id),
    }


def backup_archive(user: User, now: datetime, storage: Storage, target: IO[bytes]) -> None:
    """The ZIP backup: the JSON document with the media described, and every media file."""
    document = {
        **backup(user, now),
        "format_version": ARCHIVE_FORMAT_VERSION,
        "media": media_backup.media_items(user.id),
    }
    keys = [file["key"] for item in document["media"] for file in item["files"]]
    text = json.dumps(document, ensure_ascii=False, indent=2)
    media_backup.write_archive(text, keys, storage, target)


@dataclass(frozen=True)
class RestoreSummary:
    products: int
    learnings: int
    media: int = 0
    applications: int = 0
    # Review comments and endorsements: what others said.
    feedback: int = 0

    def __str__(self) -> str:
        def count(number: int, noun: str) -> str:
            return f"{number} {noun}" if number == 1 else f"{number} {noun}s"

        parts = [count(self.products, "product"), count(self.learnings, "learning")]
        if self.media:
            parts.append(count(self.media, "media item"))
        if self.applications:
            parts.append(count(self.applications, "application"))
        if self.feedback:
            parts.append(
                "1 comment or endorsement"
                if self.feedback == 1
                else f"{self.feedback} comments and endorsements"
            )
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def _backup_items(backup: dict, key: str, since_version: bool = False) -> list[dict]:
    """The objects under `key`; `since_version`: a backup made before they were kept
    has none."""
    items = backup.get(key, [] if since_version else None)
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


def _document(content: bytes, limits: Limits) -> tuple[dict, dict[str, bytes] | None]:
    """The backup document, and the media files when it came as a ZIP."""
    files = None
    if media_backup.is_archive(content):
        content, files = media_backup.read_archive(content, limits.quota_bytes)
    try:
        backup = load_json(decode_upload(content))
    except (ValueError, RecursionError) as error:
        raise BadImportFile("This is not a PM Portfolio backup: it is not valid JSON.") from error
    if not isinstance(backup, dict) or backup.get("format") != BACKUP_FORMAT:
        raise BadImportFile("This is not a PM Portfolio backup (its “format” is missing).")
    version = backup.get("format_version")
    if version not in (BACKUP_FORMAT_VERSION, ARCHIVE_FORMAT_VERSION):
        raise BadImportFile(
            f"This backup has format version {repr(version)[:20]}; this server reads "
            f"versions {BACKUP_FORMAT_VERSION} and {ARCHIVE_FORMAT_VERSION}."
        )
    if version == ARCHIVE_FORMAT_VERSION and files is None:
        raise BadImportFile(
            f"This {ARCHIVE_DOCUMENT} comes from a ZIP backup: upload the whole .zip, "
            "which holds its pictures and files too."
        )
    return backup, files


def _plan_media(owner_id: int, backup: dict, checked: media_backup.CheckedFiles, limits: Limits):
    query = db.select(Product.slug, Product.id).where(Product.user_id == owner_id)
    slugs = dict(db.session.execute(query).all())
    return media_backup.plan_media(owner_id, _backup_items(backup, "media"), checked, slugs, limits)


def _cite_restored_media(owner_id: int, products: list[dict], items: list[MediaItem]) -> None:
    """Point restored metrics at the restored media they cited, by their index among
    their product's media; an index that matches nothing is dropped."""
    by_product: dict[int, list[MediaItem]] = {}
    for item in items:
        by_product.setdefault(item.product_id, []).append(item)
    restored = {
        product.slug: product
        for product in db.session.scalars(db.select(Product).where(Product.user_id == owner_id))
    }
    for entry in products:
        product = restored.get(entry.get("slug"))
        if product is None:
            continue
        media = by_product.get(product.id, [])
        for metric, values in zip(product.metrics, entry.get("metrics") or [], strict=False):
            index = values.get("source_media") if isinstance(values, dict) else None
            if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(media):
                metric.source_media_id = media[index].id


def _restored_revision(item: Any, not_after: datetime) -> ProductRevision | None:
    """A revision from a backup, with only what a revision holds; None if unreadable."""
    if not isinstance(item, dict) or not isinstance(item.get("content"), dict):
        return None
    content = item["content"]
    kept = {
        name: content.get(name) if isinstance(content.get(name), str) else ""
        for name in revisions.CASE_STUDY_FIELDS
        if name != "metrics"
    }
    metrics = content.get("metrics") if isinstance(content.get("metrics"), list) else []
    # A cited picture's id belongs to the account the backup came from.
    kept["metrics"] = [
        {**{key: metric.get(key) for key in revisions.KEPT_METRIC_FIELDS}, "source_media_id": None}
        for metric in metrics
        if isinstance(metric, dict)
    ]
    changed = item.get("changed") if isinstance(item.get("changed"), list) else []
    try:
        created_at = parse_timestamp(str(item.get("created_at") or "")) or not_after
    except ValueError:
        created_at = not_after
    return ProductRevision(
        content=kept,
        changed=[name for name in changed if name in revisions.CASE_STUDY_FIELDS],
        created_at=min(created_at, not_after),
    )


def _restore_revisions(owner_id: int, products: list[dict], not_after: datetime) -> None:
    """Bring back each product's history, none of it later than `not_after` (when the
    restore began). The restore itself kept a newer revision of each product; it goes
    when the history's newest revision already says the same."""
    restored = {
        product.slug: product
        for product in db.session.scalars(db.select(Product).where(Product.user_id == owner_id))
    }
    with_history = []
    for entry in products:
        product = restored.get(entry.get("slug"))
        history = entry.get("revisions")
        if product is None or not isinstance(history, list):
            continue
        kept = [
            revision
            for revision in (
                _restored_revision(item, not_after) for item in history[-revisions.MAX_REVISIONS :]
            )
            if revision is not None
        ]
        if not kept:
            continue
        if kept[-1].content == revisions.snapshot(product):
            db.session.execute(
                db.delete(ProductRevision).where(ProductRevision.product_id == product.id)
            )
        for revision in kept:
            revision.product_id = product.id
            db.session.add(revision)
        with_history.append(product.id)
    revisions.prune(with_history)


def _owns_anything(owner_id: int) -> bool:
    return any(
        db.session.scalar(db.select(model.id).where(model.user_id == owner_id).limit(1))
        for model in (Product, Learning, MediaItem, Application)
    )


def _refuse_unless_empty(owner_id: int) -> None:
    if _owns_anything(owner_id):
        raise BadImportFile(
            "A backup is restored into an empty account, and this one already has products, "
            "learnings, media or applications. Restore it into a new account instead."
        )


def restore_backup(user: User, content: bytes, storage: Storage, limits: Limits) -> RestoreSummary:
    """Put a backup (JSON, or the ZIP with media) into an empty account, or nothing.

    Ends the caller's transaction (committing it) first: the archive is read, its
    pictures decoded and its files stored outside any transaction; the rows are then
    written in one, with the maker's row locked, so that restores sent at once cannot
    both find the account empty. Files stored for a restore that is refused are left
    to `flask media gc`."""
    started = clock.now()
    owner_id = user.id
    _refuse_unless_empty(owner_id)
    db.session.commit()
    backup, files = _document(content, limits)
    checked = None
    if files is not None:
        checked = media_backup.CheckedFiles(files)
        checked.check_all(_backup_items(backup, "media"))
        checked.store(storage)
    try:
        lock_maker_limits(owner_id)
        _refuse_unless_empty(owner_id)
        return _restore_rows(user, backup, checked, limits, started)
    except BadImportFile:
        db.session.rollback()
        raise


def _restore_rows(
    user: User,
    backup: dict,
    checked: media_backup.CheckedFiles | None,
    limits: Limits,
    started: datetime,
) -> RestoreSummary:
    """Stage and commit the backup's rows; BadImportFile (the caller rolls back) if any
    part is refused."""
    owner_id = user.id
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
    # A backup from before time zones, or naming a zone this server does not know, keeps
    # the one the account took from the browser at sign-up.
    backed_up_zone = profile.get("time_zone")
    formdata["time_zone"] = (
        backed_up_zone if known_time_zone(backed_up_zone) == backed_up_zone else user.time_zone
    )
    profile_form = ProfileForm(formdata=formdata, meta={"csrf": False})
    if not profile_form.validate():
        problems = list(form_problems(1, profile_form.errors, {}))
        raise BadImportFile(problem_summary("profile", problems))

    products = plan_products(owner_id, _as_rows(_backup_items(backup, "products"), _product_values))
    if products.problems:
        raise BadImportFile(problem_summary("product", products.problems))
    stage_plan(owner_id, products, started.date())
    db.session.flush()
    learnings = plan_learnings(
        owner_id, _as_rows(_backup_items(backup, "learnings"), _learning_values)
    )
    if learnings.problems:
        raise BadImportFile(problem_summary("learning", learnings.problems))
    stage_plan(owner_id, learnings, started.date())
    media_plan = None
    if checked is not None:
        db.session.flush()
        media_plan = _plan_media(owner_id, backup, checked, limits)
        db.session.add_all(media_plan.items)
        db.session.flush()
        _cite_restored_media(owner_id, _backup_items(backup, "products"), media_plan.items)
    _restore_revisions(owner_id, _backup_items(backup, "products"), not_after=started)
    db.session.flush()
    restored_applications = restore_applications(
        owner_id, _backup_items(backup, "applications", since_version=True), started.date()
    )
    restored_feedback = restore_feedback(
        owner_id,
        _backup_items(backup, "review_links", since_version=True),
        _backup_items(backup, "endorsements", since_version=True),
    )
    stage_profile(user, profile_form.to_data())
    for name in PUBLISHING_FIELDS:
        setattr(user, name, profile.get(name) is True)
    db.session.commit()
    return RestoreSummary(
        products=len(products.products),
        learnings=len(learnings.learnings),
        media=len(media_plan.items) if media_plan else 0,
        applications=restored_applications,
        feedback=restored_feedback,
    )
