"""Ids of makers, products and share links are never given again on SQLite.

Without AUTOINCREMENT, SQLite gives a new row the highest id plus one, so deleting the
newest account handed its id to the next one, and with it whatever is kept under that
id: pages kept by ETag, views waiting to be written. PostgreSQL's sequences never go
back, so only SQLite changes.

SQLite cannot add AUTOINCREMENT to a table; Alembic's batch mode rebuilds each table
(copy, drop, rename). Dropping a parent table with foreign keys enforced would delete
every child row through ON DELETE CASCADE, so enforcement is off while the tables are
rebuilt, and every reference is checked before it is turned back on.

Revision ID: 5a7c3e9d1f20
Revises: d93b6a1c0e75
Create Date: 2026-11-30 09:20:00.000000

"""
from contextlib import contextmanager

from alembic import op


revision = '5a7c3e9d1f20'
down_revision = 'd93b6a1c0e75'
branch_labels = None
depends_on = None

TABLES = ['users', 'products', 'share_links']


def broken_references(connection) -> set:
    """(table, rowid, parent table) of each row whose reference finds no parent; without
    the number of the foreign key, which a rebuild may renumber."""
    rows = connection.execute('PRAGMA foreign_key_check').fetchall()
    return {(table, rowid, parent) for table, rowid, parent, _key in rows}


@contextmanager
def foreign_keys_off():
    """PRAGMA foreign_keys is ignored inside a transaction: end the one Alembic is in,
    switch, and rebuild in a transaction of its own. Whatever happens, enforcement is
    back on before the connection goes back to the pool."""
    connection = op.get_bind().connection.dbapi_connection
    connection.execute('COMMIT')
    connection.execute('PRAGMA foreign_keys = OFF')
    try:
        connection.execute('BEGIN IMMEDIATE')
        # References broken before (by a delete with enforcement off, in the sqlite3
        # shell, say) are not this revision's to judge; new ones are.
        broken_before = broken_references(connection)
        try:
            yield
            broken = broken_references(connection)
            if broken - broken_before:
                raise RuntimeError(
                    f'rebuilding the tables broke these references: {broken - broken_before}'
                )
            connection.execute('COMMIT')
        except BaseException:
            connection.execute('ROLLBACK')
            raise
    finally:
        connection.execute('PRAGMA foreign_keys = ON')
    # Deferred: takes no lock, so it cannot fail; Alembic records the revision in it.
    connection.execute('BEGIN')


def rebuild(autoincrement: bool):
    if op.get_bind().dialect.name != 'sqlite':
        return
    with foreign_keys_off():
        for table in TABLES:
            with op.batch_alter_table(
                table, recreate='always', table_kwargs={'sqlite_autoincrement': autoincrement}
            ):
                pass


def upgrade():
    rebuild(autoincrement=True)


def downgrade():
    rebuild(autoincrement=False)
