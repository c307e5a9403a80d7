"""Set-based statements whose cost does not grow with the number of bound parameters.

On PostgreSQL a batch travels as one array per column and is unpacked server-side with
unnest(): one statement, one round trip and one cached compiled form whatever the batch
size. An executemany there costs a statement per row, and
an expanding IN of 500 keys is re-rendered for every distinct batch size. SQLite runs
in-process, where executemany is already cheap, so it keeps the plain forms.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from psycopg.rows import namedtuple_row
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from sync.server.db import owns_its_transaction


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def unnest_arrays(session: Session, table: Table, columns: Sequence[str],
                  rows: Sequence[dict[str, Any]]) -> tuple[str, list[list[Any]]]:
    """`unnest(%b::type[], ...)` for these columns, and one list of values per column,
    each value passed through its column type's own bind conversion."""
    source, converters = _unnest_source(session.get_bind().dialect, table, tuple(columns))
    arrays = []
    for name, convert in zip(columns, converters, strict=True):
        values = [row[name] for row in rows]
        arrays.append([convert(v) for v in values] if convert else values)
    return source, arrays


@functools.cache
def _unnest_source(dialect: Dialect, table: Table, columns: tuple[str, ...]
                   ) -> tuple[str, tuple[Callable[[Any], Any] | None, ...]]:
    """Once per shape: compiling each column's type on every statement cost as much as
    running some of them, for the same answer every time."""
    types = [table.c[name].type for name in columns]
    casts = ", ".join(f"%b::{t.compile(dialect=dialect)}[]" for t in types)
    return f"unnest({casts})", tuple(t.bind_processor(dialect) for t in types)


def run_binary(session: Session, sql: str, params: list[list[Any]]) -> None:
    """Through the session's own connection (so inside its transaction) with BINARY
    parameters: psycopg writes a text array element by element through a regex that
    decides on quoting, three to four times slower than the insert itself."""
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(sql, params)


def run_binary_and_commit(session: Session, sql: str, params: list[list[Any]]) -> Any:
    """`run_binary`, then commit, with the COMMIT sent in the same round trip (pipeline
    mode): what the statement locks is released as soon as PostgreSQL has run it, not
    after the reply, the wake-up of this thread and its turn at the interpreter lock.
    A session that does not own its transaction commits the usual way. Returns the
    statement's first row (None if it returns none): read once the COMMIT succeeded,
    so a caller never acts on a row of a transaction that did not commit."""
    if not owns_its_transaction(session):
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, params)
            first = cursor.fetchone() if cursor.description else None
        session.commit()
        return first
    session.flush()  # the ORM's pending writes belong in this transaction, not the next
    raw = session.connection().connection.driver_connection
    # Two cursors: the statement's reply stays on its own, not replaced by the COMMIT's.
    with raw.cursor() as cursor, raw.cursor() as committing:  # type: ignore[union-attr]
        with raw.pipeline():  # type: ignore[union-attr]
            cursor.execute(sql, params)
            committing.execute("COMMIT")  # not raw.commit(): that waits for its own reply
        first = cursor.fetchone() if cursor.description else None
    session.commit()  # SQLAlchemy's side of it; psycopg has nothing left to send
    return first


def insert(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
           ignore_duplicates: bool = False) -> None:
    """INSERT every row (all rows carry the same keys); duplicates of a unique key are
    skipped when asked, otherwise they raise."""
    insert_together(session, [(table, rows, ignore_duplicates)])


Inserts = tuple[Table, Sequence[dict[str, Any]], bool]  # table, rows, ignore duplicates


def insert_together(session: Session, inserts: Sequence[Inserts]) -> None:
    """`insert` for each (table, rows, ignore_duplicates). On PostgreSQL ONE statement
    (each insert but the last in a WITH): a push wrote its new people, its superseded
    revisions and its ledger in three, and each statement costs CPU on both sides, which
    100 devices at once queue for. Only for inserts that need not see each other's rows:
    in one statement they share one snapshot, in no set order. A read that must see what
    an insert waited for (a conflicting row another transaction was writing) goes in a
    later statement (sync_push: the identifiers, after the people)."""
    inserts = [(table, rows, ignore) for table, rows, ignore in inserts if rows]
    if not inserts:
        return
    if not is_postgres(session):
        for table, rows, ignore in inserts:
            statement = sqlite.insert(table)
            session.execute(statement.on_conflict_do_nothing() if ignore else statement,
                            list(rows))
        return
    statements, arrays = [], []
    for table, rows, ignore in inserts:
        source, values = unnest_arrays(session, table, list(rows[0]), rows)
        statements.append(f"INSERT INTO {table.name} ({', '.join(rows[0])}) "
                          f"SELECT * FROM {source}" + (" ON CONFLICT DO NOTHING" if ignore
                                                       else ""))
        arrays += values
    withs = ", ".join(f"i{n} AS ({sql})" for n, sql in enumerate(statements[:-1]))
    run_binary(session, (f"WITH {withs} " if withs else "") + statements[-1], arrays)


def update(session: Session, table: Table, keys: Sequence[str],
           rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE each row found by `keys` to the rest of its values."""
    if not rows:
        return
    values = [c for c in rows[0] if c not in keys]
    if not is_postgres(session):
        statement = table.update().where(*(table.c[k] == bindparam(f"k_{k}") for k in keys)) \
            .values({c: bindparam(f"v_{c}") for c in values})
        session.execute(statement, [{**{f"k_{k}": r[k] for k in keys},
                                     **{f"v_{c}": r[c] for c in values}} for r in rows])
        return
    columns = [*keys, *values]
    source, arrays = unnest_arrays(session, table, columns, rows)
    assignments = ", ".join(f"{c} = v.{c}" for c in values)
    matches = " AND ".join(f"{table.name}.{k} = v.{k}" for k in keys)
    run_binary(session, f"UPDATE {table.name} SET {assignments} "
                        f"FROM {source} AS v({', '.join(columns)}) WHERE {matches}", arrays)


def by_keys(session: Session, table: Table, columns: Sequence[str],
            key_columns: Sequence[str], keys: Iterable[tuple[Any, ...]],
            where: str = "") -> list[Any]:
    """`columns` of the rows whose `key_columns` equal one of `keys`, as named tuples;
    `where` is a further condition in SQL (constant text, never data).

    PostgreSQL: the statement is written once per shape and run on the driver
    connection. A push reads five tables by key; built and run through SQLAlchemy each
    time, those reads were a third of a small push's CPU time."""
    return by_keys_later(session, table, columns, key_columns, keys, where)()


def by_keys_later(session: Session, table: Table, columns: Sequence[str],
                  key_columns: Sequence[str], keys: Iterable[tuple[Any, ...]],
                  where: str = "") -> Callable[[], list[Any]]:
    """`by_keys`, sent now and read when the returned function is called. Inside
    `pipelined`, every statement sent before the first read shares one round trip."""
    wanted = sorted(set(keys))
    if not wanted:
        return list
    if not is_postgres(session):
        statement = where_keys(select(*(table.c[c] for c in columns)),
                               [table.c[k] for k in key_columns], wanted, session)
        rows = list(session.execute(statement.where(text(where)) if where else statement))
        return lambda: rows
    sql = _by_keys_sql(session.get_bind().dialect, table, tuple(columns), tuple(key_columns),
                       where)
    return sql_later(session, sql, [[key[n] for key in wanted] for n in range(len(key_columns))])


def sql_later(session: Session, sql: str, params: Sequence[Any]) -> Callable[[], list[Any]]:
    """PostgreSQL only: `sql` (constant text, never data) run now on the driver
    connection, its rows (named tuples) read when the returned function is called.
    Inside `pipelined`, it shares the round trip of what is sent with it."""
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor(row_factory=namedtuple_row)  # type: ignore[union-attr]
    cursor.execute(sql, params)

    def read() -> list[Any]:
        with cursor:
            return cursor.fetchall()

    return read


@contextmanager
def pipelined(session: Session) -> Iterator[None]:
    """On PostgreSQL, statements sent inside are not waited for one by one: they travel
    together, and the block's end waits once for them all (psycopg's pipeline mode; a
    read inside waits for what was sent before it). A push's reads were five round
    trips and its writes three, each a wait with the process's one request at a standstill.
    Only statements run on the driver connection (run_binary, by_keys_later) belong
    inside: SQLAlchemy reads a statement's reply as soon as it sends it."""
    if not is_postgres(session):
        yield
        return
    raw = session.connection().connection.driver_connection
    with raw.pipeline():  # type: ignore[union-attr]
        yield


@functools.cache
def _by_keys_sql(dialect: Dialect, table: Table, columns: tuple[str, ...],
                 key_columns: tuple[str, ...], where: str) -> str:
    # text[], never varchar(n)[]: that cast truncates, so a key longer than its column
    # would match a row by its first n characters.
    arrays = ", ".join("%s::text[]" if isinstance(table.c[k].type, String)
                       else f"%s::{table.c[k].type.compile(dialect=dialect)}[]"
                       for k in key_columns)
    return (f"SELECT {', '.join(columns)} FROM {table.name} "
            f"WHERE ({', '.join(key_columns)}) IN (SELECT * FROM unnest({arrays}))"
            + (f" AND {where}" if where else ""))


def where_keys(statement: Select[Any], columns: Sequence[ColumnElement[Any]],
               keys: Iterable[tuple[Any, ...]], session: Session) -> Select[Any]:
    """Narrow `statement` to rows whose `columns` equal one of `keys` (composite keys).

    PostgreSQL: IN a set of keys unnested from one array per column, so the primary key
    index is probed once per key; a row-value IN list of hundreds of tuples was planned
    as a scan, an order of magnitude slower.
    """
    wanted = sorted(set(keys))
    if not is_postgres(session):
        return statement.where(tuple_(*columns).in_(wanted))
    found = func.unnest(*(bindparam(f"k_{n}", [key[n] for key in wanted],
                                    type_=postgresql.ARRAY(
                                        Text() if isinstance(column.type, String)
                                        else column.type))  # text: see _by_keys_sql
                          for n, column in enumerate(columns))
                        ).table_valued(*(f"c{n}" for n in range(len(columns)))
                                       ).render_derived(name="wanted")
    return statement.where(tuple_(*columns).in_(select(*found.c)))
