"""The schema comes only from migrations; they must match the models and run both ways."""

from datetime import UTC
from datetime import date
from datetime import datetime

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy import text

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.core import revisions
from pm_portfolio.extensions import db
from pm_portfolio.extensions import migrate
from pm_portfolio.models import Product
from pm_portfolio.models import ShareLink
from tests.factories import make_learning
from tests.factories import make_portfolio_link
from tests.factories import make_product
from tests.factories import make_user
from tests.factories import start_session
from tests.infrastructure import make_app
from tests.infrastructure import temporary_database

MIGRATIONS = PROJECT_ROOT / "migrations"


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    with db.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


@pytest.fixture
def empty_database_app(tmp_path):
    with temporary_database(tmp_path) as url:
        app = make_app(url)
        yield app
        with app.app_context():
            db.engine.dispose()


def test_migrated_schema_matches_the_models(app):
    with app.app_context():
        assert schema_differences() == []


def test_upgrade_from_empty_downgrade_to_base_and_upgrade_again(empty_database_app):
    model_tables = set(db.metadata.tables)
    with empty_database_app.app_context():
        assert table_names() == set()

        flask_migrate.upgrade()
        assert table_names() == model_tables | {"alembic_version"}
        assert schema_differences() == []

        flask_migrate.downgrade(revision="base")
        assert table_names() <= {"alembic_version"}

        flask_migrate.upgrade()
        assert schema_differences() == []


def test_migrations_keep_existing_rows(empty_database_app):
    """Later revisions upgrade a database that already holds data, not only an empty one."""
    with empty_database_app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config(str(MIGRATIONS)))
        first = script.get_base()
        flask_migrate.upgrade(revision=first)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, username, password_hash, session_token, "
                    "display_name, headline, bio, website_url, linkedin_url, github_url, "
                    "created_at, updated_at) VALUES ('early@example.com', 'early', 'x', 't', "
                    "'Early', '', '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )

        flask_migrate.upgrade()

        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT display_name, is_published, portfolio_version FROM users")
            ).one()
        assert tuple(row) == ("Early", False, 1)
        assert schema_differences() == []


def test_view_sources_keep_old_counts_and_fold_back_on_downgrade(empty_database_app):
    """Views counted before sources were keep their count; a downgrade adds the sources
    of one day back into one row."""
    before_sources = "7e2b5c1d9a40"
    with empty_database_app.app_context():
        flask_migrate.upgrade(revision=before_sources)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, username, password_hash, "
                    "display_name, headline, bio, website_url, linkedin_url, github_url, "
                    "location, open_to, contact_email, contact_url, is_published, show_ideas, "
                    "portfolio_version, created_at, updated_at) VALUES ('v@example.com', "
                    "'viewed', 'x', 'Viewed', '', '', '', '', '', '', '', '', '', "
                    "true, false, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO profile_views (user_id, day, count) "
                    "SELECT id, '2026-11-01', 3 FROM users"
                )
            )

        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT source, count FROM profile_views")).all() == [
                ("", 3)
            ]
            connection.execute(
                text(
                    "INSERT INTO profile_views (user_id, day, source, count) "
                    "SELECT id, '2026-11-01', 'linkedin.com', 2 FROM users"
                )
            )

        flask_migrate.downgrade(revision=before_sources)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count FROM profile_views")).all() == [(5,)]


def test_metrics_keep_their_text_through_the_evidence_revision(empty_database_app):
    before_evidence = "b81f4d2e6c57"
    with empty_database_app.app_context():
        flask_migrate.upgrade()
        maker = make_user(username="early")
        make_product(maker.id, slug="bot", metrics=[
            {"label": "Users", "value": "140", "note": "week 8", "baseline": "20",
             "direction": "up"},
        ])  # fmt: skip
        db.session.remove()

        flask_migrate.downgrade(revision=before_evidence)
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT label, value, note FROM metrics")).all()
        assert rows == [("Users", "140", "week 8")]

        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT label, value, note, baseline, direction, source_media_id FROM metrics")
            ).all()
        assert rows == [("Users", "140", "week 8", "", "", None)]
        assert schema_differences() == []


def test_existing_products_start_their_history_with_one_revision(empty_database_app):
    before_revisions = "c4a9e0f3b218"
    with empty_database_app.app_context():
        flask_migrate.upgrade()
        maker = make_user(username="early")
        product_id = make_product(maker.id, slug="bot", tradeoffs="Cut Jira.", metrics=[
            {"label": "Users", "value": "140", "window_start": date(2026, 1, 5)},
        ])  # fmt: skip
        db.session.remove()
        flask_migrate.downgrade(revision=before_revisions)

        flask_migrate.upgrade()

        (revision,) = revisions.revisions_of(product_id)
        assert revision.changed == []
        product = db.session.get(Product, product_id)
        assert revisions.changed_fields(revision.content, revisions.snapshot(product)) == []


def test_existing_metrics_start_with_no_target(empty_database_app):
    before_targets = "e6f1a2b3c4d5"
    with empty_database_app.app_context():
        flask_migrate.upgrade()
        maker = make_user(username="early")
        make_product(maker.id, metrics=[("Users", "140")])
        db.session.remove()
        flask_migrate.downgrade(revision=before_targets)

        flask_migrate.upgrade()

        with db.engine.connect() as connection:
            targets = connection.execute(text("SELECT target FROM metrics")).scalars().all()
        assert targets == [""]


def test_existing_makers_start_in_utc_and_keep_everything(empty_database_app):
    """The column is added and dropped in place: rebuilding "users" on SQLite would
    cascade to every row its makers own."""
    before_time_zones = "f2c7d8e9a1b3"
    with empty_database_app.app_context():
        flask_migrate.upgrade()
        maker = make_user(username="early")
        make_product(maker.id, metrics=[("Users", "140")])
        db.session.remove()
        flask_migrate.downgrade(revision=before_time_zones)
        assert row_counts()["products"] == 1

        flask_migrate.upgrade()

        with db.engine.connect() as connection:
            zones = connection.execute(text("SELECT time_zone FROM users")).scalars().all()
        assert zones == ["UTC"]
        assert (row_counts()["products"], row_counts()["metrics"]) == (1, 1)


def row_counts() -> dict[str, int]:
    """The rows of every table the schema has at its current revision."""
    with db.engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        return {
            name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
            for name in db.metadata.tables
            if name in present
        }


def older_tables(counts: dict[str, int]) -> dict[str, int]:
    """`counts` of the tables the schema still has after a downgrade."""
    present = row_counts()
    return {name: count for name, count in counts.items() if name in present}


def test_rebuilding_tables_for_ids_never_reused_keeps_every_row(empty_database_app):
    """On SQLite the revision rebuilds users, products and share links, the parents of
    nearly every table: no child row may go with them, either way."""
    before_autoincrement = "d93b6a1c0e75"
    with empty_database_app.app_context():
        # Rows are made by today's models, then taken down to the revision before.
        flask_migrate.upgrade()
        maker = make_user(username="early")
        product_id = make_product(maker.id, skills=["discovery"], metrics=[("Users", "140")])
        make_learning(maker.id, product_id, skills=["delivery"])
        make_portfolio_link(maker.id, [product_id])
        start_session(maker)
        newest = make_user(username="newest")
        db.session.remove()
        counts = row_counts()
        flask_migrate.downgrade(revision=before_autoincrement)
        assert row_counts() == older_tables(counts)

        flask_migrate.upgrade()
        assert row_counts() == counts
        flask_migrate.downgrade(revision=before_autoincrement)
        assert row_counts() == older_tables(counts)
        flask_migrate.upgrade()
        assert row_counts() == counts
        assert schema_differences() == []

        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM users WHERE id = :id"), {"id": newest.id})
        assert make_user(username="later").id > newest.id
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                # Alembic's connection goes back to the pool: it must enforce references.
                assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_references_broken_before_do_not_stop_the_rebuild(empty_database_app):
    """A row whose maker was deleted with enforcement off (in the sqlite3 shell, say)
    is older than the revision: the rebuild goes on, and keeps it."""
    with empty_database_app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("only SQLite rebuilds tables, and only it lets references break")
        flask_migrate.upgrade(revision="d93b6a1c0e75")
        with db.engine.begin() as connection:
            # In SQL: the model has columns this revision has not.
            maker_id = connection.execute(
                text(
                    "INSERT INTO users (email, username, password_hash, display_name, headline, "
                    "bio, website_url, linkedin_url, github_url, location, open_to, "
                    "contact_email, contact_url, is_published, show_ideas, portfolio_version, "
                    "created_at, updated_at) VALUES ('early@example.com', 'early', 'x', '', '', "
                    "'', '', '', '', '', '', '', '', false, false, 1, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP) RETURNING id"
                )
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO share_links (user_id, token, name, note, created_at) "
                    "VALUES (:maker_id, 'early-token', 'Acme', '', CURRENT_TIMESTAMP)"
                ),
                {"maker_id": maker_id},
            )
        db.session.remove()
        raw = db.engine.raw_connection()
        try:
            sqlite = raw.driver_connection  # autocommits: the app begins transactions itself
            sqlite.execute("PRAGMA foreign_keys = OFF")
            sqlite.execute("DELETE FROM users")
            sqlite.execute("PRAGMA foreign_keys = ON")
        finally:
            raw.close()
        assert row_counts()["users"] == 0

        flask_migrate.upgrade()

        assert row_counts()["share_links"] == 1


def test_revoked_links_are_kept_and_go_again_on_downgrade(empty_database_app):
    """share_links gains revoked_at in place (a rebuild would cascade to its items and
    views); going back deletes revoked links, as revoking did before."""
    before_applications = "a7d3e5f9b2c1"
    with empty_database_app.app_context():
        flask_migrate.upgrade()
        maker = make_user(username="early")
        product_id = make_product(maker.id, visibility="public")
        kept = make_portfolio_link(maker.id, [product_id], name="Kept")
        revoked = make_portfolio_link(maker.id, [product_id], name="Revoked")
        db.session.get(ShareLink, revoked).revoked_at = datetime(2026, 12, 1, tzinfo=UTC)
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision=before_applications)
        with db.engine.connect() as connection:
            ids = connection.execute(text("SELECT id FROM share_links")).scalars().all()
            items = connection.execute(text("SELECT count(*) FROM share_link_products"))
            assert (ids, items.scalar_one()) == ([kept], 1)

        flask_migrate.upgrade()
        assert schema_differences() == []
