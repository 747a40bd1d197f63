"""The schema comes only from migrations; they must match the models and run both ways."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from pm_portfolio.extensions import db
from tests.infrastructure import make_app
from tests.infrastructure import temporary_database


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
