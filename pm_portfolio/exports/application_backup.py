"""Applications in the backup: each with its timeline, contacts, the case studies and
note of its link, and what the link's readers did. No token is kept (as for every
link): a restore gives each link a new address, which opens unless it was revoked."""

from datetime import date
from typing import Any

from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from pm_portfolio.core import applications
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.exports.csv_import import Problem
from pm_portfolio.exports.csv_import import form_problems
from pm_portfolio.exports.csv_import import problem_summary
from pm_portfolio.exports.formats import iso_date
from pm_portfolio.exports.formats import iso_datetime
from pm_portfolio.exports.formats import parse_timestamp
from pm_portfolio.extensions import db
from pm_portfolio.forms.applications import ApplicationForm
from pm_portfolio.models import Application
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import ShareLinkProduct

BATCH_SIZE = 1000


class UnknownSlug(Exception):
    """A link names a case study that is not among the backup's products."""


# The application form's fields a backup holds, by the same names.
FORM_FIELDS = [
    "company", "role", "posting_url", "stage", "applied_on", "next_step", "next_step_on",
    "next_step_time", "private_notes",
]  # fmt: skip
CONTACT_FIELDS = ["name", "role", "email", "linkedin_url"]


def _opens_by_link(owner_id: int) -> dict[int, list[dict[str, Any]]]:
    """Every opening of the maker's application links, oldest first, with the slug of
    the case study opened."""
    opens: dict[int, list[dict[str, Any]]] = {}
    rows = db.session.execute(
        db.select(
            ShareLinkOpen.share_link_id, ShareLinkOpen.opened_at, Product.slug, ShareLinkOpen.kind
        )
        .join(Application, Application.share_link_id == ShareLinkOpen.share_link_id)
        .outerjoin(Product, Product.id == ShareLinkOpen.product_id)
        .where(Application.user_id == owner_id)
        .order_by(ShareLinkOpen.share_link_id, ShareLinkOpen.opened_at, ShareLinkOpen.id)
    )
    for link_id, opened_at, slug, kind in rows:
        opens.setdefault(link_id, []).append(
            {"at": iso_datetime(opened_at), "case_study": slug, "kind": kind}
        )
    return opens


def _link_json(link: ShareLink | None, opens: list[dict[str, Any]]) -> dict[str, Any] | None:
    if link is None:
        return None
    return {
        "case_studies": [item.product.slug for item in link.items],
        "note": link.note,
        "revoked_at": iso_datetime(link.revoked_at) if link.revoked_at else None,
        "opens": opens,
    }


def backup_applications(owner_id: int) -> list[dict[str, Any]]:
    opens = _opens_by_link(owner_id)
    rows = db.session.scalars(
        db.select(Application)
        .where(Application.user_id == owner_id)
        .options(
            selectinload(Application.history),
            selectinload(Application.contacts),
            joinedload(Application.share_link)
            .selectinload(ShareLink.items)
            .joinedload(ShareLinkProduct.product),
        )
        .order_by(Application.created_at, Application.id)
        .execution_options(yield_per=BATCH_SIZE)
    )
    return [
        {
            "company": application.company,
            "role": application.role,
            "posting_url": application.posting_url,
            "stage": application.stage,
            "applied_on": iso_date(application.applied_on) or None,
            "next_step": application.next_step,
            "next_step_on": iso_date(application.next_step_on) or None,
            "next_step_time": application.next_step_time.strftime("%H:%M")
            if application.next_step_time
            else None,
            "private_notes": application.private_notes,
            "created_at": iso_datetime(application.created_at),
            "updated_at": iso_datetime(application.updated_at),
            "history": [
                {"stage": change.stage, "changed_on": iso_date(change.changed_on)}
                for change in application.history
            ],
            "contacts": [
                {name: getattr(contact, name) for name in CONTACT_FIELDS}
                for contact in application.contacts
            ],
            "link": _link_json(
                application.share_link, opens.get(application.share_link_id or 0, [])
            ),
        }
        for application in rows
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise TypeError


def _formdata(item: dict, product_ids: dict[str, int]) -> MultiDict:
    formdata = MultiDict({name: _text(item.get(name)) for name in FORM_FIELDS})
    link = item.get("link") or {}
    formdata["note_to_reader"] = _text(link.get("note"))
    for index, slug in enumerate(link.get("case_studies") or []):
        if _text(slug) not in product_ids:
            raise UnknownSlug(slug)
        formdata[f"case_studies-{index}-product_id"] = str(product_ids[slug])
        formdata[f"case_studies-{index}-include"] = "y"
        formdata[f"case_studies-{index}-position"] = str(index + 1)
    for index, contact in enumerate(item.get("contacts") or []):
        for name in CONTACT_FIELDS:
            formdata[f"contacts-{index}-{name}"] = _text(contact.get(name))
    return formdata


def _history(item: dict) -> list:
    history = []
    for change in item.get("history") or []:
        stage = _text(change.get("stage"))
        if stage not in applications.STAGES:
            raise ValueError(f"not a stage: {stage}")
        history.append((date.fromisoformat(_text(change.get("changed_on"))), stage))
    return history


def _link(item: dict, product_ids: dict[str, int]) -> applications.RestoredLink | None:
    link = item.get("link")
    if link is None:
        return None
    opens = []
    for entry in link.get("opens") or []:
        opened_at = parse_timestamp(_text(entry.get("at")))
        if opened_at is None:
            raise ValueError("an opening without its time")
        opens.append(
            applications.RestoredOpen(
                opened_at,
                product_ids.get(_text(entry.get("case_study"))),
                LinkOpenKind(_text(entry.get("kind"))),
            )
        )
    return applications.RestoredLink(opens, parse_timestamp(_text(link.get("revoked_at"))))


def restore_applications(owner_id: int, items: list[dict], today: date) -> int:
    """Stage the backup's applications (the caller commits), after its products, whose
    slugs the links name; BadImportFile if any is refused."""
    product_ids = dict(
        db.session.execute(
            db.select(Product.slug, Product.id).where(Product.user_id == owner_id)
        ).all()
    )
    form = ApplicationForm(formdata=None, meta={"csrf": False})
    problems: list[Problem] = []
    restored = []
    for number, item in enumerate(items, start=1):
        try:
            form.has_link = item.get("link") is not None
            form.refill(_formdata(item, product_ids))
            history = _history(item)
            link = _link(item, product_ids)
            stamps = (
                parse_timestamp(_text(item.get("created_at"))),
                parse_timestamp(_text(item.get("updated_at"))),
            )
        except UnknownSlug as error:
            problems.append(Problem(number, "link", f"No product has the slug “{error}”."))
            continue
        except (TypeError, ValueError, AttributeError) as error:
            problems.append(Problem(number, "row", f"A value is missing or wrong ({error})."))
            continue
        if not form.validate():
            problems.extend(form_problems(number, form.errors, {}))
            continue
        data = form.to_data()
        data.history = history
        restored.append((data, link, stamps))
    if problems:
        raise BadImportFile(problem_summary("application", problems))
    for data, link, (created_at, updated_at) in restored:
        applications.stage_restored(owner_id, data, link, created_at, updated_at, today)
    return len(restored)
