"""The database schema, in one place. The rules about these objects live in core/ (and,
where one package alone needs one, in that package)."""

from datetime import date
from datetime import datetime
from datetime import time
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from pm_portfolio import clock
from pm_portfolio.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # Ids are never given again (SQLite would reuse the highest): pages kept by ETag and
    # views waiting to be written are keyed by them. Reflection cannot see this: a
    # migration that rebuilds the table on SQLite must give it again (see README).
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # When the maker opened the link sent to `email`; unconfirmed accounts work too.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    headline: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    website_url: Mapped[str] = mapped_column(String(500), default="")
    linkedin_url: Mapped[str] = mapped_column(String(500), default="")
    github_url: Mapped[str] = mapped_column(String(500), default="")
    location: Mapped[str] = mapped_column(String(80), default="")
    # The kind of role the maker is looking for: "APM / PM roles · Remote or Berlin".
    open_to: Mapped[str] = mapped_column(String(120), default="")
    # How readers get in touch, each empty (off) until the maker fills it in. The public
    # email is never the sign-in email, and pages reveal it only on request.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_url: Mapped[str] = mapped_column(String(500), default="")
    is_published: Mapped[bool] = mapped_column(default=False)
    show_ideas: Mapped[bool] = mapped_column(default=False)
    # An IANA name ("Europe/Berlin"): the maker's own pages show times in it.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # The weekly digest email, opted into; sent from 08:00 on this weekday (0: Monday).
    weekly_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    digest_day: Mapped[int] = mapped_column(default=0, server_default="0")
    # An email the morning a follow-up of an application becomes due, opted into.
    follow_up_reminders: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A goal the maker sets for themselves (core/goals.py), if any.
    weekly_goal: Mapped[str | None] = mapped_column(String(20))
    # Bumped by every change that public pages show; their ETags are built from it.
    portfolio_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    # The browser session this object was loaded for ("<session id>:<token>"), which
    # Flask-Login keeps in the cookie; set by core/browser_sessions.py, never stored here.
    login_id = None

    # Rows compare by identity, as SQLAlchemy's identity map keeps them; UserMixin's
    # comparison by get_id() would fail for a user not loaded through a session.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str:
        if self.login_id is None:
            raise RuntimeError("Sign users in through core.browser_sessions.start().")
        return self.login_id

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ProductStatus(StrEnum):
    IDEA = "idea"
    BUILDING = "building"
    SHIPPED = "shipped"
    SUNSET = "sunset"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# A product in these states was shipped at some point, so it has a ship date.
SHIPPED_STATUSES = (ProductStatus.SHIPPED, ProductStatus.SUNSET)


class Visibility(StrEnum):
    PRIVATE = "private"
    UNLISTED = "unlisted"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class LearningKind(StrEnum):
    INSIGHT = "insight"
    DECISION = "decision"
    EXPERIMENT = "experiment"
    USER_INTERVIEW = "user_interview"
    MISTAKE = "mistake"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def _one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


product_skills = Table(
    "product_skills",
    db.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)

learning_skills = Table(
    "learning_skills",
    db.metadata,
    Column("learning_id", ForeignKey("learnings.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Skill(db.Model):
    """One competency of the fixed PM skill taxonomy; rows come from a migration."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(200))
    suggestion: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Skill {self.key}>"


# The parts of the case study a product tells, in reading order, with the label a maker
# knows each by: the one list that forms, revisions, imports, exports and backups take
# theirs from (tests/test_case_study_fields.py checks those that must list them).
CASE_STUDY_TEXTS = {
    "title": "Title",
    "tagline": "Tagline",
    "target_users": "Target users",
    "problem": "The problem",
    "hypothesis": "The hypothesis",
    "solution": "What was built",
    "tradeoffs": "Trade-offs",
    "outcome": "Outcome",
    "role": "Your role",
}


class Product(db.Model):
    """A side product, stored as a PM case study, field by field."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("user_id", "slug"),
        _one_of("status", ProductStatus),
        _one_of("visibility", Visibility),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80))
    tagline: Mapped[str] = mapped_column(String(160), default="")
    target_users: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    tradeoffs: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default=ProductStatus.IDEA)
    started_on: Mapped[date | None]
    shipped_on: Mapped[date | None]
    live_url: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.PRIVATE)
    is_featured: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    metrics: Mapped[list["Metric"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Metric.position",
    )
    skills: Mapped[list[Skill]] = relationship(secondary=product_skills, order_by=Skill.position)
    learnings: Mapped[list["Learning"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: [Learning.learned_on, Learning.id],
    )
    media: Mapped[list["MediaItem"]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: [MediaItem.position, MediaItem.id],
    )
    # Read-only: the confirmations the maker approved, which readers may see beside
    # their claims (core/endorsements.py decides which still apply).
    approved_endorsements: Mapped[list["Endorsement"]] = relationship(
        primaryjoin=lambda: and_(
            Endorsement.product_id == Product.id,
            Endorsement.approved.is_(True),
            Endorsement.state == EndorsementState.CONFIRMED,
        ),
        viewonly=True,
        order_by=lambda: [Endorsement.responded_at, Endorsement.id],
    )
    # Read-only: the cover, loaded with a product list in the same query.
    cover: Mapped["MediaItem | None"] = relationship(
        primaryjoin=lambda: and_(MediaItem.product_id == Product.id, MediaItem.is_cover.is_(True)),
        viewonly=True,
        uselist=False,
    )

    @property
    def status_label(self) -> str:
        return ProductStatus(self.status).label

    @property
    def skill_keys(self) -> list[str]:
        return [skill.key for skill in self.skills]

    @property
    def visibility_label(self) -> str:
        return Visibility(self.visibility).label

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class MediaType(StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    EMBED = "embed"
    # The maker's profile photo: the one kind that belongs to no product.
    AVATAR = "avatar"


class MediaItem(db.Model):
    """Evidence on a product (a picture, a PDF artifact, an embedded video or design),
    or the maker's avatar. Its files are content-addressed MediaFile rows."""

    __tablename__ = "media_items"
    __table_args__ = (
        _one_of("media_type", MediaType),
        # One profile photo a maker: two at once could leave one showing after "Remove".
        Index(
            "uq_media_items_one_avatar_per_user",
            "user_id",
            unique=True,
            sqlite_where=text("media_type = 'avatar'"),
            postgresql_where=text("media_type = 'avatar'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    media_type: Mapped[str] = mapped_column(String(10))
    alt_text: Mapped[str] = mapped_column(String(300), default="")
    caption: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    is_cover: Mapped[bool] = mapped_column(default=False)
    # An embed's provider and id; a PDF's page count and file name.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    product: Mapped["Product | None"] = relationship(back_populates="media")
    files: Mapped[list["MediaFile"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MediaFile.width"
    )


class MediaFile(db.Model):
    """One stored file of a media item: a width of a picture, a PDF, or its thumbnail.

    `key` is the SHA-256 of the bytes: the same file is stored once, whoever uploads it.
    """

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("media_items.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(12))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]


class MetricDirection(StrEnum):
    """Which way counts as better for a metric: more sign-ups, or fewer minutes."""

    UP = "up"
    DOWN = "down"


class Metric(db.Model):
    """A result of a product, as the maker writes it: "weekly active users: 140", with
    what makes it evidence: the baseline it moved from, its unit, the time window, which
    direction is better, its source, a caveat and the target it was aimed at. All but
    label and value are optional."""

    __tablename__ = "metrics"
    __table_args__ = (CheckConstraint("direction IN ('', 'up', 'down')", name="direction_allowed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(120), default="")
    baseline: Mapped[str] = mapped_column(String(40), default="")
    unit: Mapped[str] = mapped_column(String(20), default="")
    time_window: Mapped[str] = mapped_column(String(60), default="")
    window_start: Mapped[date | None]
    window_end: Mapped[date | None]
    direction: Mapped[str] = mapped_column(String(4), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    # A picture or PDF of the same product that shows the number.
    source_media_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_items.id", ondelete="SET NULL"), index=True
    )
    caveat: Mapped[str] = mapped_column(String(160), default="")
    # What the maker aimed for (set in the hypothesis, say): a goal, never a "before".
    target: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="metrics")


class ProductRevision(db.Model):
    """A saved version of a product's case study: its texts and metrics as they were
    after one save, and which of them that save changed. Private to the maker."""

    __tablename__ = "product_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    content: Mapped[dict] = mapped_column(JSON)
    changed: Mapped[list] = mapped_column(JSON, default=list)


class Learning(db.Model):
    """What the maker learned; a product's learnings in date order are its build log."""

    __tablename__ = "learnings"
    __table_args__ = (_one_of("kind", LearningKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20), default=LearningKind.INSIGHT)
    body: Mapped[str] = mapped_column(Text, default="")
    learned_on: Mapped[date]
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    product: Mapped[Product | None] = relationship(back_populates="learnings")
    skills: Mapped[list[Skill]] = relationship(secondary=learning_skills, order_by=Skill.position)

    @property
    def kind_label(self) -> str:
        return LearningKind(self.kind).label

    @property
    def skill_keys(self) -> list[str]:
        return [skill.key for skill in self.skills]

    def __repr__(self) -> str:
        return f"<Learning {self.id}>"


class ProductSlugRedirect(db.Model):
    """An old slug of a product, so its old public address keeps working."""

    __tablename__ = "product_slug_redirects"
    __table_args__ = (UniqueConstraint("user_id", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    old_slug: Mapped[str] = mapped_column(String(80))


class ShareLinkProduct(db.Model):
    """A product shown by a portfolio share link, in the maker's chosen order."""

    __tablename__ = "share_link_products"

    share_link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship()


class ShareLink(db.Model):
    """An unguessable address: one unlisted product, or a chosen set for one employer."""

    __tablename__ = "share_links"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # Set for the share link of one product; portfolio links list products instead.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120), default="")
    # A word from the maker to this employer, shown at the top of the link's page only.
    note: Mapped[str] = mapped_column(String(500), default="")
    expires_on: Mapped[date | None]
    # A revoked link answers 404 but is kept, with what its readers did, for the maker.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    user: Mapped[User] = relationship()
    product: Mapped[Product | None] = relationship()
    items: Mapped[list[ShareLinkProduct]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=ShareLinkProduct.position
    )

    @property
    def is_portfolio_link(self) -> bool:
        return self.product_id is None


class DailyViews:
    """How often one page was viewed on one day from one referring site. No visitor data
    is kept: the source is the referring host, "direct", "internal" (from the maker's
    own pages), or "" for views counted before sources were."""

    day: Mapped[date] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class ProfileView(DailyViews, db.Model):
    """Views of a maker's public portfolio page."""

    __tablename__ = "profile_views"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, sort_order=-1
    )


class ProductView(DailyViews, db.Model):
    """Views of a product's public case study."""

    __tablename__ = "product_views"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, sort_order=-1
    )


class ShareLinkView(DailyViews, db.Model):
    """Views of a share link's pages."""

    __tablename__ = "share_link_views"

    share_link_id: Mapped[int] = mapped_column(
        ForeignKey("share_links.id", ondelete="CASCADE"), primary_key=True, sort_order=-1
    )


class LinkOpenKind(StrEnum):
    PAGE = "page"
    PDF = "pdf"


class ShareLinkOpen(db.Model):
    """One opening of a share link's page or PDF, so the maker learns which case studies
    an employer read and when. Like the daily counts it keeps nothing about the reader:
    no address, no cookie; robots and the maker are not logged."""

    __tablename__ = "share_link_opens"
    __table_args__ = (Index("ix_share_link_opens_link_time", "share_link_id", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    share_link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The case study opened, or None for the link's own page or whole PDF.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default=LinkOpenKind.PAGE)


class ApplicationStage(StrEnum):
    SAVED = "saved"
    APPLIED = "applied"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_closed(self) -> bool:
        return self in {ApplicationStage.REJECTED, ApplicationStage.WITHDRAWN}


class ApplicationSource(StrEnum):
    """Where the posting is, read from its address's host."""

    LINKEDIN = "linkedin"
    GREENHOUSE = "greenhouse"
    LEVER = "lever"
    ASHBY = "ashby"
    WORKABLE = "workable"
    WELLFOUND = "wellfound"
    COMPANY = "company"


class Application(db.Model):
    """A job the maker is after: where it stands, what comes next, and the share link
    of case studies chosen for this employer."""

    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_user_stage", "user_id", "stage"),
        Index("ix_applications_user_next_step", "user_id", "next_step_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    company: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120))
    posting_url: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(20), default=ApplicationSource.COMPANY)
    stage: Mapped[str] = mapped_column(String(20), default=ApplicationStage.SAVED)
    applied_on: Mapped[date | None]
    private_notes: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(String(200), default="")
    next_step_on: Mapped[date | None]
    # A wall-clock time in the maker's time zone, as they typed it: a call at 14:30
    # stays at 14:30 when the maker moves to another zone (and changes it in Settings).
    next_step_time: Mapped[time | None]
    # Kept (revoked) when the application goes, so what its readers did stays counted.
    share_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_links.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, onupdate=clock.now
    )

    share_link: Mapped[ShareLink | None] = relationship()
    history: Mapped[list["ApplicationStageChange"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ApplicationStageChange.changed_on, ApplicationStageChange.id)",
    )
    contacts: Mapped[list["ApplicationContact"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ApplicationContact.position",
    )

    @property
    def stage_label(self) -> str:
        return ApplicationStage(self.stage).label

    @property
    def is_closed(self) -> bool:
        return ApplicationStage(self.stage).is_closed

    def __repr__(self) -> str:
        return f"<Application {self.id}>"


class ApplicationStageChange(db.Model):
    """The day an application reached a stage: its timeline, and proof of applying."""

    __tablename__ = "application_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date]


class ApplicationContact(db.Model):
    """Someone at the employer the maker deals with; only the maker sees them."""

    __tablename__ = "application_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    linkedin_url: Mapped[str] = mapped_column(String(500), default="")


class CalendarFeed(db.Model):
    """A maker's private calendar address, which calendar apps subscribe to: every
    upcoming next step of their applications. Revoking deletes the row."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)


class ReviewLink(db.Model):
    """A private address where a reviewer, without an account, reads draft case studies
    (of any visibility) and comments on them. Revoking keeps the link and its comments;
    its address answers 404, like an expired one."""

    __tablename__ = "review_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # A word from the maker to the reviewer: "Could you look at the problem section?"
    note: Mapped[str] = mapped_column(String(500), default="")
    expires_on: Mapped[date]
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    user: Mapped[User] = relationship()
    items: Mapped[list["ReviewLinkProduct"]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReviewLinkProduct.position",
    )
    comments: Mapped[list["ReviewComment"]] = relationship(
        back_populates="review_link",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ReviewComment.created_at",
    )


class ReviewLinkProduct(db.Model):
    """A product a review link shows, in the maker's order."""

    __tablename__ = "review_link_products"

    review_link_id: Mapped[int] = mapped_column(
        ForeignKey("review_links.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship()


class ReviewComment(db.Model):
    """A reviewer's comment on one section of a draft, with the maker's resolution and
    reply. The reviewer's email (optional) is kept only to send them that reply."""

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The maker, so their feedback is found without going through links and products.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    review_link_id: Mapped[int] = mapped_column(
        ForeignKey("review_links.id", ondelete="CASCADE"), index=True
    )
    # "problem", "result:2", "whole"...; and what that section was called then, since a
    # product's results are replaced on every save.
    section: Mapped[str] = mapped_column(String(20))
    section_label: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(80))
    author_email: Mapped[str] = mapped_column(String(254), default="")
    body: Mapped[str] = mapped_column(Text)
    # The hash of the token in the reviewer's confirmation page, which lets them edit
    # or delete the comment for a while, without a cookie or an account.
    edit_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the maker was emailed about it (comments are sent in hourly batches).
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    product: Mapped[Product] = relationship()
    review_link: Mapped[ReviewLink] = relationship(back_populates="comments")


class ClaimKind(StrEnum):
    """What an endorser confirms: one result, the maker's role, or the outcome."""

    RESULT = "result"
    ROLE = "role"
    OUTCOME = "outcome"


class EndorsementState(StrEnum):
    SENT = "sent"
    OPENED = "opened"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Endorsement(db.Model):
    """A named person's confirmation of one claim of a case study, asked for by its
    maker through a link, and shown to readers only once the maker approves it.

    The claim is kept as text, as it was sent and as it was confirmed: a product's
    results are replaced on every save, so their ids mean nothing later. When the
    claim's text changes, the endorsement no longer shows until confirmed again.
    """

    __tablename__ = "endorsements"
    __table_args__ = (
        _one_of("claim_kind", ClaimKind),
        _one_of("state", EndorsementState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    claim_kind: Mapped[str] = mapped_column(String(8))
    # The result's label, which finds it again among the product's results ("" for the
    # role and the outcome).
    claim_label: Mapped[str] = mapped_column(String(60), default="")
    claim_text: Mapped[str] = mapped_column(Text)
    # Who the maker asks, and where the request went (if sent by the app).
    asked_name: Mapped[str] = mapped_column(String(80))
    asked_email: Mapped[str] = mapped_column(String(254), default="")
    state: Mapped[str] = mapped_column(String(10), default=EndorsementState.SENT)
    # What the endorser gave on confirming, and the claim's text as they confirmed it.
    name: Mapped[str] = mapped_column(String(80), default="")
    relation_to_maker: Mapped[str] = mapped_column(String(120), default="")
    quote: Mapped[str] = mapped_column(String(200), default="")
    confirmed_text: Mapped[str] = mapped_column(Text, default="")
    # The maker's decision: readers see a confirmation only once it is approved.
    approved: Mapped[bool] = mapped_column(default=False)
    expires_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    product: Mapped[Product] = relationship()

    @property
    def state_label(self) -> str:
        return EndorsementState(self.state).value.capitalize()


class DeliveredEmail(db.Model):
    """A letter the mail server accepted, by its Message-ID: a retried job finds it
    here and does not send it again. Nothing of the letter itself is kept."""

    __tablename__ = "delivered_emails"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    delivered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WeeklyDigest(db.Model):
    """One maker's digest of one week (the ISO week, by its Monday, in their time
    zone): claimed before it is sent, so however often and wherever `flask digest send`
    runs, a maker gets one a week."""

    __tablename__ = "weekly_digests"
    __table_args__ = (UniqueConstraint("user_id", "week_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The week's Monday, which the due makers of a run are looked up by.
    week_of: Mapped[date] = mapped_column(index=True)
    # The day it was due on: it tells the seven days before.
    send_on: Mapped[date]
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Sent; or found with nothing to tell (then no email went). Neither, an hour
    # after its claim: its job failed, and the next run tries it again.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    nothing_to_tell: Mapped[bool] = mapped_column(default=False)


class FollowUpCheck(db.Model):
    """A maker's follow-ups looked at on one of their days, claimed before any email:
    however often and wherever `flask reminders send` runs, once a day at most. Rows
    older than a few days are pruned."""

    __tablename__ = "follow_up_checks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True, index=True)


class RemindedFollowUp(db.Model):
    """A follow-up a reminder told, so no later day tells it again: one of a kind per
    application and date (the next step's day, the day applied, the day opened)."""

    __tablename__ = "reminded_follow_ups"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    since: Mapped[date] = mapped_column(primary_key=True)
    reminded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BrowserSession(db.Model):
    """One browser a maker is signed in on. The cookie holds its id and a token whose
    hash is kept here; deleting the row signs that browser out. No IP address is kept."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)


class ImportDraft(db.Model):
    """An uploaded CSV or JSON Resume waiting for the maker to confirm its preview.

    Kept in the database, not in memory, so any app server can finish the import.
    """

    __tablename__ = "import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[str] = mapped_column(Text)
    # A JSON Resume's problems against the schema, found once at upload (see
    # exports/resume_import.py); None for a CSV.
    schema_check: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
