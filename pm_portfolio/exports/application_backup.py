"""Applications in the backup: each with its timeline, contacts, the case studies and
note of its link, and what the link's readers did. No token is kept (as for every
link): a restore gives each link a new address, which opens unless it was revoked."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from pm_portfolio.core import applications
from pm_portfolio.exports.csv_import import BadImportFile
from pm_portfolio.exports.csv_import import Problem
from pm_portfolio.exports.csv_import import form_problems
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
        "revoked": link.revoked_at is not None,
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
            raise KeyError(slug)
        formdata[f"case_studies-{index}-product_id"] = str(product_ids[slug])
        formdata[f"case_studies-{index}-include"] = "y"
        formdata[f"case_studies-{index}-position"] = str(index + 1)
    for index, contact in enumerate(item.get("contacts") or []):
        for name in CONTACT_FIELDS:
            formdata[f"contacts-{index}-{name}"] = _text(contact.get(name))
    return formdata


def _history(item: dict) -> list:
    return [
        (datetime.fromisoformat(_text(change["changed_on"])).date(), _text(change["stage"]))
        for change in item.get("history") or []
    ]


def _opens(link: dict, product_ids: dict[str, int]) -> list[applications.RestoredOpen]:
    restored = []
    for entry in link.get("opens") or []:
        kind = LinkOpenKind(_text(entry.get("kind")))
        slug = entry.get("case_study")
        opened_at = parse_timestamp(_text(entry.get("at")))
        if opened_at is None:
            raise ValueError("an opening without its time")
        restored.append(applications.RestoredOpen(opened_at, product_ids.get(slug), kind))
    return restored


def restore_applications(owner_id: int, items: list[dict], now: datetime) -> int:
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
            form.refill(_formdata(item, product_ids))
            history = _history(item)
            link = item.get("link") or {}
            opens = _opens(link, product_ids)
            stamps = (
                parse_timestamp(_text(item.get("created_at"))),
                parse_timestamp(_text(item.get("updated_at"))),
            )
        except KeyError as error:
            problems.append(Problem(number, "link", f"No product has the slug {error}."))
            continue
        except (TypeError, ValueError, AttributeError):
            problems.append(Problem(number, "row", "A value is missing or of the wrong type."))
            continue
        if not form.validate():
            problems.extend(form_problems(number, form.errors, {}))
            continue
        data = form.to_data()
        data.history = history
        restored.append((data, opens, bool(link.get("revoked")), stamps))
    if problems:
        shown = "; ".join(
            f"application {problem.line}, {problem.column}: {problem.message}"
            for problem in problems[:5]
        )
        raise BadImportFile(f"The backup has problems, so nothing was restored: {shown}.")
    for data, opens, revoked, (created_at, updated_at) in restored:
        revoked_at = now if revoked else None
        applications.stage_restored(owner_id, data, opens, revoked_at, created_at, updated_at)
    return len(restored)
