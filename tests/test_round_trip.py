"""Property-based round trips: export, import into a fresh account, export again, same bytes."""

import csv
import io
from datetime import UTC
from datetime import date
from datetime import datetime

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from pm_portfolio.core import endorsements
from pm_portfolio.core import reviews
from pm_portfolio.core import share_links
from pm_portfolio.core.applications import ApplicationData
from pm_portfolio.core.applications import ContactData
from pm_portfolio.core.applications import create_application
from pm_portfolio.core.applications import import_key
from pm_portfolio.core.learnings import LearningData
from pm_portfolio.core.learnings import create_learning
from pm_portfolio.core.products import MetricData
from pm_portfolio.core.products import ProductData
from pm_portfolio.core.products import create_product
from pm_portfolio.extensions import db
from pm_portfolio.models import Application
from pm_portfolio.models import Endorsement
from pm_portfolio.models import Learning
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import Metric
from pm_portfolio.models import Product
from pm_portfolio.models import ReviewLink
from pm_portfolio.models import ShareLinkOpen
from tests.clients import AuthActions
from tests.clients import signed_in_maker
from tests.factories import make_user

SKILL_KEYS = [
    "discovery", "strategy", "prioritisation", "execution", "analytics", "design", "technical",
    "growth", "communication",
]  # fmt: skip
TRICKY = [
    "=SUM(A1:A9)", "-1", "+44 20", "@mention", "'quoted'", "''", "a,b", 'say "hi"',
    "line\nbreak", "cr\rlf\r\n", "emoji 🚀👩‍💻", "مرحبا", "\u202eRTL", "tab\tinside",
]  # fmt: skip
CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


def text(max_size: int, required: bool = False):
    """Text the forms accept: no NUL, no surrogates, surrounding whitespace already trimmed."""
    raw = st.one_of(st.text(CHARACTERS, max_size=max_size), st.sampled_from(TRICKY))
    cleaned = raw.map(str.strip).filter(lambda value: len(value) <= max_size)
    return cleaned.filter(bool) if required else cleaned


DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
URLS = st.sampled_from(["", "https://example.com", "http://a.example/path?q=1&r=2#x"])


@st.composite
def metric_data(draw):
    start = draw(st.none() | DATES)
    end = draw(st.none() | DATES)
    if start and end and end < start:
        start, end = end, start
    return MetricData(
        label=draw(text(60, required=True)),
        value=draw(text(40, required=True)),
        note=draw(text(120)),
        baseline=draw(text(40)),
        unit=draw(text(20)),
        time_window=draw(text(60)),
        window_start=start,
        window_end=end,
        direction=draw(st.sampled_from(["", "up", "down"])),
        source_url=draw(URLS),
        caveat=draw(text(160)),
        target=draw(text(40)),
    )


@st.composite
def products(draw):
    status = draw(st.sampled_from(["idea", "building", "shipped", "sunset"]))
    started = draw(st.none() | DATES)
    shipped = draw(st.none() | DATES)
    if status in ("shipped", "sunset") and shipped is None:
        shipped = draw(DATES)
    if started and shipped and shipped < started:
        started, shipped = shipped, started
    metrics = draw(st.lists(metric_data(), max_size=3))
    return ProductData(
        title=draw(text(120, required=True)),
        tagline=draw(text(160)),
        target_users=draw(text(200)),
        problem=draw(text(300)),
        hypothesis=draw(text(100)),
        solution=draw(text(100)),
        tradeoffs=draw(text(100)),
        outcome=draw(text(100)),
        role=draw(text(120)),
        status=status,
        started_on=started,
        shipped_on=shipped,
        live_url=draw(URLS),
        source_url=draw(URLS),
        visibility=draw(st.sampled_from(["private", "unlisted", "public"])),
        is_featured=draw(st.booleans()),
        position=draw(st.integers(0, 9999)),
        skill_keys=draw(st.lists(st.sampled_from(SKILL_KEYS), unique=True)),
        metrics=metrics,
    )


@st.composite
def learnings(draw, product_count: int):
    product_index = draw(st.none() | st.integers(0, max(product_count - 1, 0)))
    return (
        product_index if product_count else None,
        LearningData(
            title=draw(text(160, required=True)),
            kind=draw(
                st.sampled_from(["insight", "decision", "experiment", "user_interview", "mistake"])
            ),
            learned_on=draw(DATES),
            body=draw(text(300)),
            is_public=draw(st.booleans()),
            skill_keys=draw(st.lists(st.sampled_from(SKILL_KEYS), unique=True)),
        ),
    )


STAGES = ["saved", "applied", "screening", "interview", "offer", "rejected", "withdrawn"]


@st.composite
def applications(draw, product_count: int):
    """An application, with the indexes of the products it sends (the shareable ones of
    them are chosen), and whether its link was opened."""
    stage = draw(st.sampled_from(STAGES))
    days = sorted(draw(st.lists(DATES, min_size=1, max_size=3)))
    history = [(day, draw(st.sampled_from(STAGES))) for day in days[:-1]] + [(days[-1], stage)]
    next_step = draw(text(200))
    next_step_on = draw(st.none() | DATES) if next_step else None
    contacts = draw(
        st.lists(
            st.builds(
                ContactData,
                name=text(120),
                role=text(120),
                email=st.sampled_from(["", "eve@acme.example"]),
                linkedin_url=URLS,
            ).filter(lambda contact: not contact.is_empty),
            max_size=2,
        )
    )
    chosen = draw(st.lists(st.integers(0, 3), unique=True, max_size=3)) if product_count else []
    data = ApplicationData(
        company=draw(text(120, required=True)),
        role=draw(text(120, required=True)),
        stage=stage,
        posting_url=draw(st.sampled_from(["", "https://boards.greenhouse.io/acme/jobs/1",
                                          "https://acme.example/careers"])),
        applied_on=draw(st.none() | DATES),
        next_step=next_step,
        next_step_on=next_step_on,
        next_step_time=draw(st.none() | st.times().map(lambda t: t.replace(second=0,
                                                                           microsecond=0)))
        if next_step_on
        else None,
        private_notes=draw(text(300)),
        note_to_reader=draw(text(200)),
        contacts=contacts,
        history=history,
    )  # fmt: skip
    return data, [index for index in chosen if index < product_count], draw(st.booleans())


STATES = ["sent", "opened", "confirmed", "declined", "withdrawn"]


@st.composite
def feedback(draw, product_count: int):
    """Review links (products by index, a note, revoked or not, comments) and requests
    to confirm a product's first claim (its state, whether shown)."""
    if not product_count:
        return [], []
    product_indexes = st.integers(0, product_count - 1)
    comments = st.tuples(
        text(80, required=True),
        st.sampled_from(["", "rae@example.com"]),
        text(300, required=True),
        st.booleans(),
        text(200),
    )
    links = draw(st.lists(st.tuples(
        st.lists(product_indexes, min_size=1, max_size=2, unique=True), text(500),
        st.booleans(), st.lists(comments, max_size=2),
    ), max_size=2))  # fmt: skip
    requests = draw(st.lists(st.tuples(
        product_indexes, st.sampled_from(STATES), st.booleans(), text(80, required=True),
        text(120, required=True), text(200),
    ), max_size=2))  # fmt: skip
    return links, requests


@st.composite
def portfolios(draw):
    product_list = draw(st.lists(products(), max_size=4))
    learning_list = draw(st.lists(learnings(len(product_list)), max_size=4))
    application_list = draw(
        st.lists(
            applications(len(product_list)),
            max_size=3,
            unique_by=lambda drawn: import_key(
                drawn[0].company, drawn[0].role, drawn[0].posting_url
            ),
        )
    )
    return product_list, learning_list, application_list, draw(feedback(len(product_list)))


ROUND_TRIP_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


OPENED_AT = datetime(2026, 12, 2, 16, 5, 30, tzinfo=UTC)


def make_feedback(maker_id: int, ids: list[int], drawn) -> None:
    links, requests = drawn
    for indexes, note, revoked, comments in links:
        link = reviews.create_review_link(
            maker_id, reviews.ReviewLinkData([ids[i] for i in indexes], date(2027, 1, 1), note)
        )
        if revoked:
            reviews.revoke_review_link(link, OPENED_AT)
        product = db.session.get(Product, ids[indexes[0]])
        sections = reviews.sections_of(product, has_build_log=False)
        for name, email, body, resolved, reply in comments:
            comment, _ = reviews.add_comment(
                link, product, sections, reviews.CommentData(name, email, "whole", body), OPENED_AT
            )
            if resolved:
                reviews.resolve(comment, OPENED_AT)
            if reply:
                reviews.reply(comment, reply, OPENED_AT)
    for index, state, approved, name, relation, quote in requests:
        product = db.session.get(Product, ids[index])
        claims = endorsements.claims_of(product)
        if not claims:
            continue
        request = endorsements.ask(product, claims[0].key, name, "", date(2026, 12, 3))
        if state != "sent":
            endorsements.mark_opened(request, OPENED_AT)
        if state in ("confirmed", "withdrawn"):
            endorsements.confirm(request, name, relation, quote, OPENED_AT)
            endorsements.set_approved(request, approved)
        if state == "declined":
            endorsements.decline(request, OPENED_AT)
        if state == "withdrawn":
            endorsements.withdraw(request, OPENED_AT)


def make_maker(app, portfolio):
    product_list, learning_list, application_list, drawn_feedback = portfolio
    with app.app_context():
        maker = make_user()
        ids = [create_product(maker.id, data).id for data in product_list]
        for product_index, data in learning_list:
            data.product_id = ids[product_index] if product_index is not None else None
            create_learning(maker.id, data)
        for data, chosen, opened in application_list:
            data.product_ids = [ids[i] for i in chosen if product_list[i].visibility != "private"]
            application = create_application(maker.id, data, date(2026, 12, 3))
            if opened and application.share_link is not None:
                link = application.share_link
                share_links.record_open(link, OPENED_AT, None, LinkOpenKind.PAGE)
                shown = data.product_ids[0] if data.product_ids else None
                share_links.record_open(link, OPENED_AT, shown, LinkOpenKind.PDF)
        make_feedback(maker.id, ids, drawn_feedback)
    client = app.test_client()
    AuthActions(client).login(maker.username, maker.password)
    return maker, client


def import_csv(client, kind: str, content: bytes) -> None:
    response = client.upload("/settings/data/import", "import", content, "data.csv", kind=kind)
    assert response.status_code == 302, response.get_data(as_text=True)
    confirmed = client.submit(response.headers["Location"])
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)


def rows_of(app, owner_id: int):
    """Everything stored for a maker, without database ids, to compare two accounts."""
    with app.app_context():
        products = db.session.scalars(
            db.select(Product).where(Product.user_id == owner_id).order_by(Product.id)
        ).all()
        product_rows = [
            (
                {
                    column: getattr(product, column)
                    for column in (column.key for column in Product.__table__.columns)
                    if column not in ("id", "user_id")
                },
                [
                    {
                        column.key: getattr(metric, column.key)
                        for column in Metric.__table__.columns
                        if column.key not in ("id", "product_id", "source_media_id")
                    }
                    for metric in product.metrics
                ],
                product.skill_keys,
            )
            for product in products
        ]
        learning_rows = [
            (
                {
                    column: getattr(learning, column)
                    for column in (column.key for column in Learning.__table__.columns)
                    if column not in ("id", "user_id", "product_id")
                },
                learning.product.slug if learning.product else None,
                learning.skill_keys,
            )
            for learning in db.session.scalars(
                db.select(Learning).where(Learning.user_id == owner_id).order_by(Learning.id)
            )
        ]
        return product_rows, learning_rows, application_rows(owner_id), feedback_rows(owner_id)


def columns_of(row, *skipped: str) -> dict:
    return {
        column.key: getattr(row, column.key)
        for column in row.__table__.columns
        if column.key not in ("id", "user_id", "token", *skipped)
    }


def feedback_rows(owner_id: int) -> list:
    """Review links with their comments, and endorsements; without ids or tokens."""
    links = db.session.scalars(
        db.select(ReviewLink).where(ReviewLink.user_id == owner_id).order_by(ReviewLink.id)
    ).all()
    requests = db.session.scalars(
        db.select(Endorsement).where(Endorsement.user_id == owner_id).order_by(Endorsement.id)
    ).all()
    return [
        (
            columns_of(link),
            [item.product.slug for item in link.items],
            [
                (
                    columns_of(comment, "product_id", "review_link_id", "edit_token_hash"),
                    comment.product.slug,
                )
                for comment in link.comments
            ],
        )
        for link in links
    ] + [(columns_of(request, "product_id"), request.product.slug) for request in requests]


def application_rows(owner_id: int) -> list:
    applications = db.session.scalars(
        db.select(Application).where(Application.user_id == owner_id).order_by(Application.id)
    ).all()
    rows = []
    for application in applications:
        link = application.share_link
        opens = (
            db.session.execute(
                db.select(ShareLinkOpen.opened_at, Product.slug, ShareLinkOpen.kind)
                .outerjoin(Product, Product.id == ShareLinkOpen.product_id)
                .where(ShareLinkOpen.share_link_id == link.id)
                .order_by(ShareLinkOpen.id)
            ).all()
            if link
            else []
        )
        rows.append(
            (
                {
                    column: getattr(application, column)
                    for column in (column.key for column in Application.__table__.columns)
                    if column not in ("id", "user_id", "share_link_id")
                },
                [(change.changed_on, change.stage) for change in application.history],
                [
                    (contact.name, contact.role, contact.email, contact.linkedin_url)
                    for contact in application.contacts
                ],
                (
                    link.note,
                    [item.product.slug for item in link.items],
                    link.revoked_at is None,
                    [tuple(row) for row in opens],
                )
                if link
                else None,
            )
        )
    return rows


# What an applications CSV carries: not the link, its readers, the contacts or the time
# of a next step, nor when a row was made.
CSV_APPLICATION_FIELDS = [
    "company", "role", "posting_url", "source", "stage", "applied_on", "next_step",
    "next_step_on", "private_notes",
]  # fmt: skip


def csv_carried(rows) -> list:
    return [
        ({name: fields[name] for name in CSV_APPLICATION_FIELDS}, history)
        for fields, history, _contacts, _link in rows
    ]


def without_link_columns(content: bytes) -> list[list[str]]:
    """The applications CSV without what only the maker's own links can say."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    dropped = {"share_link", "first_opened_on", "last_opened_on", "opens"}
    kept = [index for index, name in enumerate(rows[0]) if name not in dropped]
    return [[row[index] for index in kept] for row in rows]


@ROUND_TRIP_SETTINGS
@given(portfolio=portfolios())
def test_csv_export_import_export_is_identical(app, portfolio):
    maker, original = make_maker(app, portfolio)
    products_csv = original.get("/export/products.csv").get_data()
    learnings_csv = original.get("/export/learnings.csv").get_data()
    applications_csv = original.get("/export/applications.csv").get_data()

    person, copy = signed_in_maker(app)
    import_csv(copy, "products", products_csv)
    import_csv(copy, "learnings", learnings_csv)
    if portfolio[2]:
        import_csv(copy, "applications", applications_csv)

    assert copy.get("/export/products.csv").get_data() == products_csv
    assert copy.get("/export/learnings.csv").get_data() == learnings_csv
    assert without_link_columns(
        copy.get("/export/applications.csv").get_data()
    ) == without_link_columns(applications_csv)
    copied, original_rows = rows_of(app, person.id), rows_of(app, maker.id)
    assert copied[:2] == original_rows[:2]
    assert csv_carried(copied[2]) == csv_carried(original_rows[2])


@ROUND_TRIP_SETTINGS
@given(portfolio=portfolios())
def test_backup_restore_backup_is_identical(app, portfolio):
    maker, original = make_maker(app, portfolio)
    backup = original.get("/export/backup.json").get_json()

    person, copy = signed_in_maker(app)
    response = copy.upload(
        "/settings/data/restore", "restore", original.get("/export/backup.json").get_data(), "b"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    restored = copy.get("/export/backup.json").get_json()

    for document in (backup, restored):
        del document["exported_at"]
        del document["profile"]["username"]
    assert restored == backup
    assert rows_of(app, person.id) == rows_of(app, maker.id)
