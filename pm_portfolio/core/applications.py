"""Applications: where the maker applied, where each stands, what comes next, and what
the employer did with the case studies chosen for them.

An application's share link is an ordinary portfolio link (core/share_links.py), so
its pages, PDF and card are the same as any other link's. The open log
(ShareLinkOpen) tells the maker which of them the employer opened, and when.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from itertools import pairwise
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import ApplicationContact
from pm_portfolio.models import ApplicationSource
from pm_portfolio.models import ApplicationStage
from pm_portfolio.models import ApplicationStageChange
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from pm_portfolio.models import ShareLinkOpen
from pm_portfolio.models import ShareLinkProduct

STAGES = tuple(ApplicationStage)
ACTIVE_STAGES = tuple(stage for stage in STAGES if not stage.is_closed)
CLOSED_STAGES = tuple(stage for stage in STAGES if stage.is_closed)
# Stages that mean the maker has applied, so reaching one dates the application.
APPLIED_STAGES = frozenset(
    {
        ApplicationStage.APPLIED,
        ApplicationStage.SCREENING,
        ApplicationStage.INTERVIEW,
        ApplicationStage.OFFER,
    }
)
SOURCE_LABELS = {
    ApplicationSource.LINKEDIN: "LinkedIn",
    ApplicationSource.GREENHOUSE: "Greenhouse",
    ApplicationSource.LEVER: "Lever",
    ApplicationSource.ASHBY: "Ashby",
    ApplicationSource.WORKABLE: "Workable",
    ApplicationSource.WELLFOUND: "Wellfound",
    ApplicationSource.COMPANY: "Company site",
}
# The job boards' hosts, each with its subdomains (boards.greenhouse.io,
# jobs.lever.co, jobs.ashbyhq.com, apply.workable.com, …).
SOURCE_DOMAINS = {
    "linkedin.com": ApplicationSource.LINKEDIN,
    "lnkd.in": ApplicationSource.LINKEDIN,
    "greenhouse.io": ApplicationSource.GREENHOUSE,
    "lever.co": ApplicationSource.LEVER,
    "ashbyhq.com": ApplicationSource.ASHBY,
    "workable.com": ApplicationSource.WORKABLE,
    "wellfound.com": ApplicationSource.WELLFOUND,
    "angel.co": ApplicationSource.WELLFOUND,
}
# Opens of one link with a shorter gap between them are one visit.
VISIT_GAP = timedelta(minutes=30)
MAX_CONTACTS = 5


@dataclass
class ContactData:
    name: str = ""
    role: str = ""
    email: str = ""
    linkedin_url: str = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.name, self.role, self.email, self.linkedin_url))


@dataclass
class ApplicationData:
    company: str
    role: str
    stage: str = ApplicationStage.SAVED
    posting_url: str = ""
    applied_on: date | None = None
    next_step: str = ""
    next_step_on: date | None = None
    next_step_time: time | None = None
    private_notes: str = ""
    note_to_reader: str = ""
    # The case studies the employer's link shows, in order.
    product_ids: list[int] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)
    # A whole timeline, oldest first (from an import); empty: the stage dates it.
    history: list[tuple[date, str]] = field(default_factory=list)


def detect_source(posting_url: str) -> ApplicationSource:
    """The job board a posting is on, from its host; any other site is the company's."""
    try:
        host = (urlsplit(posting_url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ApplicationSource.COMPANY
    for domain, source in SOURCE_DOMAINS.items():
        if host == domain or host.endswith("." + domain):
            return source
    return ApplicationSource.COMPANY


def source_label(source: str) -> str:
    return SOURCE_LABELS[ApplicationSource(source)]


def owned_application(owner_id: int, application_id: int) -> Application | None:
    return db.session.scalar(
        db.select(Application)
        .where(Application.id == application_id, Application.user_id == owner_id)
        .options(
            joinedload(Application.share_link)
            .selectinload(ShareLink.items)
            .joinedload(ShareLinkProduct.product),
            selectinload(Application.history),
            selectinload(Application.contacts),
        )
    )


def _link_name(data: ApplicationData) -> str:
    return f"{data.company} — {data.role}"[:120]


def _sync_link(
    application: Application, data: ApplicationData, shareable_only: bool = True
) -> None:
    """The employer's link shows the chosen case studies and the note. It is made with
    the first case study chosen; without any it stays, showing none, so its address
    and what its readers did are kept for when the maker chooses again."""
    link = application.share_link
    if link is None and not data.product_ids:
        return
    if link is None:
        link = ShareLink(user_id=application.user_id, token=share_links.new_token())
        application.share_link = link
    link.name = _link_name(data)
    link.note = data.note_to_reader.strip()
    if data.product_ids:
        share_links.set_items(link, application.user_id, data.product_ids, shareable_only)
    else:
        link.items = []


def _record_stage(application: Application, stage: str, on: date) -> None:
    application.history.append(ApplicationStageChange(stage=stage, changed_on=on))


def _apply_fields(application: Application, data: ApplicationData) -> None:
    """What the applications CSV holds too (the stage aside, which moves with its date)."""
    application.company = data.company.strip()
    application.role = data.role.strip()
    application.posting_url = data.posting_url
    application.source = detect_source(data.posting_url)
    application.applied_on = data.applied_on
    application.next_step = data.next_step.strip()
    application.next_step_on = data.next_step_on
    application.next_step_time = data.next_step_time if data.next_step_on else None
    application.private_notes = data.private_notes.strip()


def _apply_contacts(application: Application, data: ApplicationData) -> None:
    contacts = [contact for contact in data.contacts if not contact.is_empty][:MAX_CONTACTS]
    application.contacts = [
        ApplicationContact(position=position, **vars(contact))
        for position, contact in enumerate(contacts)
    ]


def _apply(application: Application, data: ApplicationData) -> None:
    _apply_fields(application, data)
    _apply_contacts(application, data)
    _sync_link(application, data)


def create_application(owner_id: int, data: ApplicationData, today: date) -> Application:
    """Save a new application; its timeline is the one given, or starts with its stage,
    dated the day it was applied for when it says so, else today."""
    application = Application(user_id=owner_id, stage=data.stage)
    _apply(application, data)
    _start_history(application, data, today)
    db.session.add(application)
    db.session.commit()
    return application


def _start_history(application: Application, data: ApplicationData, today: date) -> None:
    """The timeline given (an import's or a backup's; it dates the application, if that
    has no date, by its first applied stage), or one starting with the stage."""
    if data.history:
        application.history = [
            ApplicationStageChange(stage=stage, changed_on=day) for day, stage in data.history
        ]
        if application.applied_on is None:
            application.applied_on = next(
                (day for day, stage in data.history if stage in APPLIED_STAGES), None
            )
        return
    if data.stage in APPLIED_STAGES and application.applied_on is None:
        application.applied_on = today
    started_on = application.applied_on if data.stage != ApplicationStage.SAVED else None
    _record_stage(application, data.stage, started_on or today)


def stage_imported(
    owner_id: int, rows: list[tuple[ApplicationData, Application | None]], today: date
) -> None:
    """Put imported rows in the session (the caller commits): new applications, or what
    the CSV holds of existing ones. Contacts, case studies and the link are not in the
    CSV, so an existing application keeps its own; so does the time of a next step
    whose day stays."""
    for data, application in rows:
        if application is None:
            application = Application(user_id=owner_id, stage=data.stage)
            _apply_fields(application, data)
            _start_history(application, data, today)
            db.session.add(application)
            continue
        keeps_time = application.next_step_on == data.next_step_on
        data.next_step_time = application.next_step_time if keeps_time else None
        _apply_fields(application, data)
        if data.history:
            application.stage = data.stage
            _start_history(application, data, today)
        else:
            _move(application, data.stage, today)


@dataclass(frozen=True)
class RestoredOpen:
    opened_at: datetime
    product_id: int | None
    kind: str


@dataclass
class RestoredLink:
    """An application's link as a backup keeps it: not its address, which is new."""

    opens: list[RestoredOpen] = field(default_factory=list)
    revoked_at: datetime | None = None


def stage_restored(
    owner_id: int,
    data: ApplicationData,
    link: RestoredLink | None,
    created_at: datetime | None,
    updated_at: datetime | None,
    today: date,
) -> Application:
    """Put an application from a backup in the session (the caller commits), with its
    timeline, and its link (even one showing no case study) at a new address, with
    what its readers did. Its case studies are restored as chosen, even those made
    private since, which the link hides as before."""
    application = Application(user_id=owner_id, stage=data.stage)
    _apply_fields(application, data)
    _apply_contacts(application, data)
    _sync_link(application, data, shareable_only=False)
    _start_history(application, data, created_at.date() if created_at else today)
    application.created_at = created_at
    application.updated_at = updated_at
    if link is not None:
        if application.share_link is None:
            application.share_link = ShareLink(
                user_id=owner_id,
                token=share_links.new_token(),
                name=_link_name(data),
                note=data.note_to_reader.strip(),
            )
        shared = application.share_link
        shared.revoked_at = link.revoked_at
        db.session.add(shared)
        db.session.flush()
        db.session.add_all(
            ShareLinkOpen(
                share_link_id=shared.id,
                opened_at=restored.opened_at,
                product_id=restored.product_id,
                kind=restored.kind,
            )
            for restored in link.opens
        )
    db.session.add(application)
    return application


def _move(application: Application, stage: str, today: date) -> bool:
    if stage == application.stage:
        return False
    application.stage = stage
    if stage in APPLIED_STAGES and application.applied_on is None:
        application.applied_on = today
    _record_stage(application, stage, today)
    return True


def update_application(application: Application, data: ApplicationData, today: date) -> None:
    _apply(application, data)
    _move(application, data.stage, today)
    if application.stage in APPLIED_STAGES and application.applied_on is None:
        application.applied_on = today
    db.session.commit()


def move_stage(application: Application, stage: str, today: date) -> bool:
    """Move the application to `stage`, dated today; False if it was there already."""
    moved = _move(application, stage, today)
    db.session.commit()
    return moved


def delete_application(application: Application) -> None:
    """Delete the application with its link and what the link's readers did: the
    address sent to the employer answers 404 for good (a token is never made twice)."""
    if application.share_link is not None:
        db.session.delete(application.share_link)
    db.session.delete(application)
    db.session.commit()


def owned_applications(owner_id: int, ids) -> dict[int, Application]:
    rows = db.session.scalars(
        db.select(Application)
        .where(Application.user_id == owner_id, Application.id.in_(list(ids)))
        .options(selectinload(Application.history))
    )
    return {application.id: application for application in rows}


def import_keys(owner_id: int) -> dict[tuple[str, str, str], int]:
    """The maker's applications by what names one in a CSV: company and role (in any
    case) and the posting's address."""
    return {
        import_key(company, role, posting_url): application_id
        for application_id, company, role, posting_url in db.session.execute(
            db.select(
                Application.id, Application.company, Application.role, Application.posting_url
            ).where(Application.user_id == owner_id)
        )
    }


def import_key(company: str, role: str, posting_url: str) -> tuple[str, str, str]:
    return (company.strip().casefold(), role.strip().casefold(), posting_url.strip())


def application_data(application: Application) -> ApplicationData:
    """What the form shows for an application as saved."""
    link = application.share_link
    return ApplicationData(
        company=application.company,
        role=application.role,
        stage=application.stage,
        posting_url=application.posting_url,
        applied_on=application.applied_on,
        next_step=application.next_step,
        next_step_on=application.next_step_on,
        next_step_time=application.next_step_time,
        private_notes=application.private_notes,
        note_to_reader=link.note if link else "",
        product_ids=[item.product_id for item in link.items] if link else [],
        contacts=[
            ContactData(contact.name, contact.role, contact.email, contact.linkedin_url)
            for contact in application.contacts
        ],
        history=[(change.changed_on, change.stage) for change in application.history],
    )


@dataclass(frozen=True)
class OpenedProduct:
    product_id: int
    title: str
    opens: int


@dataclass
class LinkActivity:
    """What the readers of one link did, from its open log."""

    opens: int = 0
    first_opened_at: datetime | None = None
    last_opened_at: datetime | None = None
    # Runs of opens with no gap of VISIT_GAP or more: of the link, not of a person.
    visits: int = 0
    products: list[OpenedProduct] = field(default_factory=list)
    pdf_downloads: int = 0


def link_activity(link: ShareLink | None) -> LinkActivity:
    activity = LinkActivity()
    if link is None:
        return activity
    rows = db.session.execute(
        db.select(ShareLinkOpen.opened_at, ShareLinkOpen.product_id, ShareLinkOpen.kind)
        .where(ShareLinkOpen.share_link_id == link.id)
        .order_by(ShareLinkOpen.opened_at)
    ).all()
    if not rows:
        return activity
    activity.opens = len(rows)
    activity.first_opened_at = rows[0].opened_at
    activity.last_opened_at = rows[-1].opened_at
    activity.visits = 1 + sum(
        later.opened_at - earlier.opened_at >= VISIT_GAP for earlier, later in pairwise(rows)
    )
    activity.pdf_downloads = sum(row.kind == LinkOpenKind.PDF for row in rows)
    counts: dict[int, int] = {}
    for row in rows:
        if row.product_id is not None and row.kind == LinkOpenKind.PAGE:
            counts[row.product_id] = counts.get(row.product_id, 0) + 1
    titles = dict(
        db.session.execute(db.select(Product.id, Product.title).where(Product.id.in_(counts))).all()
    )
    activity.products = [
        OpenedProduct(product_id, titles[product_id], opens)
        for product_id, opens in counts.items()
        if product_id in titles
    ]
    return activity


def last_opened():
    """A column: when the application's link was last opened, from the open log."""
    return (
        db.select(func.max(ShareLinkOpen.opened_at))
        .where(ShareLinkOpen.share_link_id == Application.share_link_id)
        .correlate(Application)
        .scalar_subquery()
    )


def last_moved():
    """A column: the day the application last changed stage."""
    return (
        db.select(func.max(ApplicationStageChange.changed_on))
        .where(ApplicationStageChange.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class BoardCard:
    application: Application
    last_opened_at: datetime | None

    @property
    def source_label(self) -> str:
        return source_label(self.application.source)


SORTS = {
    "stage": lambda card: (STAGES.index(ApplicationStage(card.application.stage)),),
    "company": lambda card: (card.application.company.casefold(), card.application.role),
    "applied": lambda card: (-(card.application.applied_on or date.min).toordinal(),),
    "opened": lambda card: (
        card.last_opened_at is None,
        -(card.last_opened_at.timestamp() if card.last_opened_at else 0),
    ),
}


def board_cards(owner_id: int, closed: bool, sort: str = "stage") -> list[BoardCard]:
    """The maker's active (or closed) applications, each with when its link was last
    opened, sorted by `sort` (one of SORTS), newest first among equals."""
    stages = CLOSED_STAGES if closed else ACTIVE_STAGES
    rows = db.session.execute(
        db.select(Application, last_opened())
        .where(Application.user_id == owner_id, Application.stage.in_(stages))
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    cards = [BoardCard(application, last_opened_at) for application, last_opened_at in rows]
    return sorted(cards, key=SORTS.get(sort, SORTS["stage"]))


def active_and_closed_counts(owner_id: int) -> tuple[int, int]:
    """How many applications the maker has that are active, and that are closed."""
    rows = db.session.execute(
        db.select(Application.stage, func.count())
        .where(Application.user_id == owner_id)
        .group_by(Application.stage)
    ).all()
    closed = sum(count for stage, count in rows if ApplicationStage(stage).is_closed)
    return sum(count for _stage, count in rows) - closed, closed
