"""The pages a reader and a maker use, on PostgreSQL at internet size against a small
database: their speed, and the plan of every query they run.

Seeds by SQL (`generate_series`): 100,000 makers (a third published, a fifth showing
ideas), 10 products each (1,000,000: public, unlisted and private; every status),
3 metrics and 2 skills a product, 5 learnings a product (5,000,000, half public,
one skill each), a share link of 3 products per maker, and a month of views for the
published makers' profiles, a tenth of the products and every share link; and 10
applications a maker (1,000,000, every stage, a third with a next step), each with
its own link of 2 case studies, 2 changes of stage and 5 openings (5,000,000), and
a contact for every other one. Then
adds the measured maker as bench/http.py does: 30 products with 5 learnings each,
and 20 applications whose links were opened 1 to 60 times.

Each page is asked for in process with every cache off (stamps, kept dashboard
parts, rendered pages), so each request does all its database work: the public
profile, a case study, the maker's dashboard (with its follow-ups), a share page,
the applications board and table, and one application. The same maker on a
database of their own gives the small figures. Then every statement those pages run
is explained, and sequential scans of the large tables are flagged.

    .venv/bin/python -m bench.large
    BENCH_LARGE_MAKERS=10000 .venv/bin/python -m bench.large    # a tenth of the size
"""

import os
import re
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy import text

from bench.common import PASSWORD
from bench.common import migrate
from bench.common import scratch_database
from bench.common import seed_portfolio
from pm_portfolio import clock
from pm_portfolio import create_app
from pm_portfolio.core import applications
from pm_portfolio.core import share_links
from pm_portfolio.extensions import db
from pm_portfolio.models import LinkOpenKind
from pm_portfolio.models import Product
from pm_portfolio.models import User

POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres")
MAKERS = int(os.environ.get("BENCH_LARGE_MAKERS", "100000"))
REQUESTS = 200
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
LARGE_TABLES = re.compile(
    r"Seq Scan on (users|products|learnings|metrics|product_skills|learning_skills|"
    r"share_links|share_link_products|profile_views|product_views|share_link_views|"
    r"applications|application_stage_changes|application_contacts|share_link_opens)\b"
)
TEXT = "A few sentences of Markdown about the product, as a maker writes them. " * 3

SEED = [
    # Makers: every third published.
    """INSERT INTO users (id, email, username, password_hash, display_name, headline, bio,
        website_url, linkedin_url, github_url, location, open_to, contact_email, contact_url,
        is_published, show_ideas, portfolio_version, created_at, updated_at)
    SELECT n, 'maker' || n || '@example.com', 'maker' || n, 'x', 'Maker ' || n,
        'Aspiring product manager', :text, '', '', '', '', '', '', '',
        n % 3 = 0, n % 5 = 0, 1, now(), now()
    FROM generate_series(1, :makers) AS n""",
    # Ten products a maker, of every status and visibility.
    """INSERT INTO products (id, user_id, title, slug, tagline, target_users, problem,
        hypothesis, solution, tradeoffs, outcome, role, status, started_on, shipped_on,
        live_url, source_url, visibility, is_featured, position, created_at, updated_at)
    SELECT p, (p - 1) / 10 + 1, 'Product ' || p, 'product-' || p, 'A tagline', 'Teams',
        :text, :text, :text, :text, :text, 'Solo maker',
        (ARRAY['idea', 'building', 'shipped', 'shipped', 'sunset'])[1 + p % 5],
        date '2025-01-01' + (p % 300), date '2025-06-01' + (p % 300), '', '',
        (ARRAY['public', 'public', 'unlisted', 'private'])[1 + p % 4],
        p % 10 = 1, p % 10, now(), now()
    FROM generate_series(1, :makers * 10) AS p""",
    """INSERT INTO metrics (product_id, label, value, note, baseline, unit, time_window,
        direction, source_url, caveat, target, position)
    SELECT p, (ARRAY['users', 'rating', 'revenue'])[k], (ARRAY['140', '4.6/5', '$90'])[k],
        '', '', '', '', '', '', '', '', k
    FROM generate_series(1, :makers * 10) AS p, generate_series(1, 3) AS k""",
    """INSERT INTO product_skills (product_id, skill_id)
    SELECT p, skills.id FROM generate_series(1, :makers * 10) AS p
    JOIN skills ON skills.position IN (p % 9, (p + 4) % 9)""",
    # Five learnings a product, half of them public.
    """INSERT INTO learnings (id, user_id, product_id, title, kind, body, learned_on,
        is_public, created_at, updated_at)
    SELECT l, (l - 1) / 50 + 1, (l - 1) / 5 + 1, 'Learning ' || l,
        (ARRAY['insight', 'decision', 'experiment', 'user_interview', 'mistake'])[1 + l % 5],
        :text, date '2025-01-01' + (l % 600), l % 2 = 0, now(), now()
    FROM generate_series(1, :makers * 50) AS l""",
    """INSERT INTO learning_skills (learning_id, skill_id)
    SELECT l, skills.id FROM generate_series(1, :makers * 50) AS l
    JOIN skills ON skills.position = l % 9""",
    # A share link of three products per maker.
    """INSERT INTO share_links (id, user_id, token, product_id, name, note, created_at)
    SELECT n, n, 'token-' || n, NULL, 'Acme', '', now() FROM generate_series(1, :makers) AS n""",
    """INSERT INTO share_link_products (share_link_id, product_id, position)
    SELECT n, (n - 1) * 10 + k, k FROM generate_series(1, :makers) AS n,
        generate_series(1, 3) AS k""",
    # A month of views.
    """INSERT INTO profile_views (user_id, day, source, count)
    SELECT n, current_date - d, 'direct', 1 + (n + d) % 7
    FROM generate_series(3, :makers, 3) AS n, generate_series(0, 29) AS d""",
    """INSERT INTO product_views (product_id, day, source, count)
    SELECT p, current_date - d, 'linkedin.com', 1 + (p + d) % 5
    FROM generate_series(1, :makers * 10, 10) AS p, generate_series(0, 29) AS d""",
    """INSERT INTO share_link_views (share_link_id, day, source, count)
    SELECT n, current_date - d, 'mail.google.com', 1
    FROM generate_series(1, :makers) AS n, generate_series(0, 29, 3) AS d""",
    # Ten applications a maker, each with a link of two case studies of its own.
    """INSERT INTO share_links (id, user_id, token, product_id, name, note, created_at)
    SELECT :makers + a, (a - 1) / 10 + 1, 'application-token-' || a, NULL,
        'Company ' || a || ' — PM', 'Hello', now()
    FROM generate_series(1, :makers * 10) AS a""",
    """INSERT INTO share_link_products (share_link_id, product_id, position)
    SELECT :makers + a, ((a - 1) / 10) * 10 + k, k
    FROM generate_series(1, :makers * 10) AS a, generate_series(1, 2) AS k""",
    """INSERT INTO applications (id, user_id, company, role, posting_url, source, stage,
        applied_on, private_notes, next_step, next_step_on, share_link_id, created_at,
        updated_at)
    SELECT a, (a - 1) / 10 + 1, 'Company ' || a, 'Product Manager',
        'https://boards.greenhouse.io/company/jobs/' || a, 'greenhouse',
        (ARRAY['saved', 'applied', 'applied', 'screening', 'interview', 'offer', 'rejected',
               'withdrawn'])[1 + a % 8],
        current_date - (a % 60), :text, CASE WHEN a % 3 = 0 THEN 'Call' ELSE '' END,
        CASE WHEN a % 3 = 0 THEN current_date + (a % 10) END, :makers + a, now(), now()
    FROM generate_series(1, :makers * 10) AS a""",
    """INSERT INTO application_stage_changes (application_id, stage, changed_on)
    SELECT a, CASE WHEN k = 1 THEN 'saved' ELSE (ARRAY['saved', 'applied', 'applied',
        'screening', 'interview', 'offer', 'rejected', 'withdrawn'])[1 + a % 8] END,
        current_date - (a % 60) - (2 - k)
    FROM generate_series(1, :makers * 10) AS a, generate_series(1, 2) AS k""",
    """INSERT INTO application_contacts (application_id, position, name, role, email,
        linkedin_url)
    SELECT a, 0, 'Eve', 'Recruiter', 'eve' || a || '@company.example', ''
    FROM generate_series(2, :makers * 10, 2) AS a""",
    """INSERT INTO share_link_opens (share_link_id, opened_at, product_id, kind)
    SELECT :makers + a, now() - make_interval(days => a % 50, hours => k),
        CASE WHEN k % 2 = 0 THEN ((a - 1) / 10) * 10 + 1 END,
        CASE WHEN k = 5 THEN 'pdf' ELSE 'page' END
    FROM generate_series(1, :makers * 10) AS a, generate_series(1, 5) AS k""",
]


def seed_large(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context(), db.engine.begin() as connection:
        for statement in SEED:
            started = time.perf_counter()
            connection.execute(text(statement), {"makers": MAKERS, "text": TEXT})
            table = re.search(r"INSERT INTO (\w+)", statement).group(1)
            print(f"  {table:<20} {time.perf_counter() - started:6.1f} s", flush=True)
        for table in ("users", "products", "metrics", "learnings", "share_links", "applications",
                      "application_stage_changes", "application_contacts",
                      "share_link_opens"):  # fmt: skip
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
    with app.app_context(), db.engine.connect() as connection:
        # VACUUM too: otherwise autovacuum visits the freshly filled tables while the
        # pages are measured, and the two share the machine's cores.
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()


def add_measured_maker(url: str, folder: Path):
    """The maker whose pages are measured, with a share link; returns an app with every
    cache off."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "MEDIA_STORAGE_URL": (folder / "media").as_uri(),
            "CACHE_TYPE": "NullCache",
            "PUBLIC_PAGE_CACHE_BYTES": 0,
            "RATELIMIT_ENABLED": False,
            # The counted views stay in the buffer: only the pages' own reads are measured.
            "VIEW_FLUSH_SECONDS": 0,
        }
    )
    seed_portfolio(app, "measured", products=30, learnings_each=5)
    with app.app_context():
        owner = db.session.scalar(db.select(User).where(User.username == "measured"))
        product_ids = db.session.scalars(
            db.select(Product.id).where(Product.user_id == owner.id).order_by(Product.id).limit(3)
        ).all()
        connection = db.session.connection()
        link_id = connection.execute(
            text(
                "INSERT INTO share_links (user_id, token, name, note, created_at) "
                "VALUES (:owner, 'measured-token', 'Acme', '', now()) RETURNING id"
            ),
            {"owner": owner.id},
        ).scalar_one()
        for position, product_id in enumerate(product_ids):
            connection.execute(
                text("INSERT INTO share_link_products VALUES (:link, :product, :position)"),
                {"link": link_id, "product": product_id, "position": position},
            )
        db.session.commit()
        slug = db.session.get(Product, product_ids[0]).slug
        application_id = add_applications(owner.id, product_ids)
    return app, slug, application_id


def add_applications(owner_id: int, product_ids: list[int]) -> int:
    """The measured maker's 20 applications, their links opened 1 to 60 times over the
    last weeks; returns the id of the most opened."""
    public = db.session.scalars(
        db.select(Product.id).where(
            Product.user_id == owner_id, Product.visibility.in_(["public", "unlisted"])
        )
    ).all()
    today = clock.today()
    ids = []
    for number in range(20):
        application = applications.create_application(
            owner_id,
            applications.ApplicationData(
                company=f"Company {number}", role="Product Manager",
                stage=applications.STAGES[number % 7], applied_on=today - timedelta(days=number),
                posting_url="https://jobs.lever.co/company/1",
                next_step="Call" if number % 3 == 0 else "",
                next_step_on=today + timedelta(days=number % 10) if number % 3 == 0 else None,
                product_ids=public[:2],
                contacts=[applications.ContactData("Eve", "Recruiter", "eve@company.example")],
            ),
            today,
        )  # fmt: skip
        for opening in range(1 + number * 3):
            share_links.record_open(
                application.share_link,
                clock.now() - timedelta(hours=opening * 7),
                public[opening % 2] if opening % 3 else None,
                LinkOpenKind.PDF if opening % 5 == 4 else LinkOpenKind.PAGE,
            )
        ids.append(application.id)
    return ids[-1]


def pages(slug: str, application_id: int) -> dict[str, tuple[str, bool]]:
    """Each measured page: its path, and whether the maker asks for it."""
    return {
        "public profile": ("/u/measured", False),
        "case study": (f"/u/measured/{slug}", False),
        "dashboard": ("/dashboard", True),
        "share page": ("/s/measured-token", False),
        "applications": ("/applications", True),
        "table by opened": ("/applications?view=table&sort=opened", True),
        "application": (f"/applications/{application_id}", True),
    }


@contextmanager
def statements_of(app):
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(
    app, slug: str, application_id: int
) -> tuple[dict[str, tuple[float, float]], dict[str, list]]:
    """Each page's (median ms, p95 ms), and the statements it runs."""
    reader, maker = app.test_client(), app.test_client()
    page = maker.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "login": "measured", "password": PASSWORD}
    if maker.post("/login", data=form).status_code != 302:
        raise RuntimeError("the measured maker could not log in")
    timings, queries = {}, {}
    for name, (path, signed_in) in pages(slug, application_id).items():
        client = maker if signed_in else reader
        with statements_of(app) as seen:
            status = client.get(path, headers={"User-Agent": BROWSER}).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        queries[name] = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT")]
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(path, headers={"User-Agent": BROWSER})
            samples.append((time.perf_counter() - started) * 1000)
        timings[name] = (statistics.median(samples), statistics.quantiles(samples, n=20)[18])
    return timings, queries


def explain(app, queries: dict[str, list]) -> int:
    """Print each page's plans; returns how many scan a large table sequentially."""
    flagged = 0
    with app.app_context(), db.engine.connect() as connection:
        for name, statements in queries.items():
            print(f"\n## {name}: {len(statements)} statements")
            for number, (statement, parameters) in enumerate(statements, 1):
                plan = "\n".join(
                    row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                )
                scans = LARGE_TABLES.findall(plan)
                flagged += len(scans)
                first_line = " ".join(statement.split())[:110]
                print(f"\n{number}. {first_line}…")
                print("   " + plan.replace("\n", "\n   "))
                if scans:
                    print(f"   ^ SEQUENTIAL SCAN of {', '.join(scans)}")
    return flagged


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with scratch_database(Path(folder), POSTGRES) as url:
            migrate(url)
            app, slug, application_id = add_measured_maker(url, Path(folder))
            small, _queries = measure(app, slug, application_id)
            with app.app_context():
                db.engine.dispose()
        with scratch_database(Path(folder), POSTGRES) as url:
            migrate(url)
            print(f"Seeding {MAKERS:,} makers, {MAKERS * 10:,} products, "
                  f"{MAKERS * 50:,} learnings, {MAKERS * 10:,} applications, "
                  f"{MAKERS * 50:,} link openings:", flush=True)  # fmt: skip
            started = time.perf_counter()
            seed_large(url)
            print(f"  in all {time.perf_counter() - started:6.1f} s")
            app, slug, application_id = add_measured_maker(url, Path(folder))
            large, queries = measure(app, slug, application_id)
            flagged = explain(app, queries)
            with app.app_context():
                db.engine.dispose()

    print(f"\nIn process, every cache off, {REQUESTS} requests a page (median / p95 ms):")
    print(f"{'page':<18} {'small':>15} {'large':>15} {'change':>8}")
    for name in small:
        change = large[name][0] / small[name][0] - 1
        print(f"{name:<18} {small[name][0]:>7.2f} / {small[name][1]:>5.2f} "
              f"{large[name][0]:>7.2f} / {large[name][1]:>5.2f} {change:>+8.0%}")  # fmt: skip
    print(f"\nSequential scans of large tables: {flagged}")


if __name__ == "__main__":
    main()
