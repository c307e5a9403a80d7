"""Two threads writing the store at once wait for each other; neither fails.

A transaction that reads first and writes later (opening a record reads it, then appends
a 'view' audit entry) must not fail because another thread committed in between, as the
sync thread does while a worker opens a record."""

from __future__ import annotations

import threading

from sqlalchemy import text


def test_a_read_then_write_transaction_survives_a_commit_from_another_thread(signed_in):
    store = signed_in.open_store
    read_done, other_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_writer() -> None:
        read_done.wait(5)
        try:
            with store.transaction() as db:
                db.execute(text("INSERT INTO device_meta VALUES ('other', 'x')"))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        other_done.set()

    thread = threading.Thread(target=other_writer)
    thread.start()
    with store.transaction() as db:
        db.execute(text("SELECT count(*) FROM workers")).scalar()
        read_done.set()
        other_done.wait(0.5)  # the other thread commits now, or waits for us
        db.execute(text("INSERT INTO device_meta VALUES ('mine', 'y')"))
    thread.join(10)

    assert errors == []
    with store.transaction() as db:
        keys = set(db.execute(text("SELECT key FROM device_meta")).scalars())
    assert {"mine", "other"} <= keys


def test_a_read_only_transaction_does_not_wait_for_a_writer(signed_in):
    store = signed_in.open_store
    writing, read = threading.Event(), threading.Event()
    reader_came_while_writing: list[bool] = []

    def slow_writer() -> None:
        with store.transaction() as db:
            db.execute(text("INSERT INTO device_meta VALUES ('slow', 'x')"))
            writing.set()
            # Holds the write lock until the reader is done, or gives up after 5 s: a
            # reader that waited for this lock would only get in after that.
            reader_came_while_writing.append(read.wait(5))

    thread = threading.Thread(target=slow_writer)
    thread.start()
    writing.wait(5)
    with store.transaction(read_only=True) as db:
        workers = db.execute(text("SELECT count(*) FROM workers")).scalar()
    read.set()
    thread.join(10)

    assert workers == 1
    assert reader_came_while_writing == [True]
