"""Two things at once on a large report: the extracts in a forked child while this process
works out the figures and lays out the PDF (the two read the same cohort and nothing
else). Where there is no fork (Windows), one CPU, or few people, it runs in turn.

The child is a fork: it has the cohort already, nothing is copied to it, and it returns
only the files' bytes. It never touches the database connection it inherits, and leaves
through os._exit (multiprocessing's way), so it sends the database nothing either.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from multiprocessing.connection import Connection

Files = Mapping[str, bytes]
# Under this many people a report takes well under a second: not worth a process.
PARALLEL_FROM = 2_000


def started(work: Callable[[], Files], *, people: int,
            parallel_from: int = PARALLEL_FROM) -> Callable[[], Files]:
    """`work` begun (in a child when worth it); call the result to wait for its files."""
    if people < parallel_from or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return lambda: work()
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(work, sending), daemon=True)
    child.start()
    sending.close()

    def result() -> Files:
        try:
            outcome = receiving.recv()  # before join: a large message would block the child
        except EOFError:
            outcome = RuntimeError("the report's extract process ended without its files")
        finally:
            receiving.close()
            child.join()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return result


def _run(work: Callable[[], Files], sending: Connection) -> None:
    try:
        sending.send(dict(work()))
    except Exception as error:  # reported to the parent, which raises it
        sending.send(RuntimeError(f"the report's extracts failed: {error!r}"))
    finally:
        sending.close()


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a report builds a few million small objects
    (none of them in cycles): its full passes took a third of the time. Freed objects
    still go at once by reference counting; the collector comes back on at the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
