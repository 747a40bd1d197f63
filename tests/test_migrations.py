"""The schema comes only from migrations; they must match the models and run both ways."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy import text

from pm_portfolio import PROJECT_ROOT
from pm_portfolio.extensions import db
from pm_portfolio.extensions import migrate
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
