"""Request-scoped dependencies: the database session, and who is calling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from argon2 import PasswordHasher
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from sync import protocol as p
from sync.server import db
from sync.server.errors import Refused
from sync.server.services import auth
from sync.server.settings import Settings

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="the device token received at enrolment")
_session_header = APIKeyHeader(
    name=p.SESSION_HEADER, auto_error=False, description="a worker's session from sign-in"
)


@contextmanager
def _transaction(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    session: Session = request.app.state.sessions()
    try:
        yield session
        session.commit()
    except Refused as refusal:
        # Some refusals must leave a trace (a failed sign-in is audited).
        session.commit() if refusal.keep_writes else session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _session(request: Request) -> Iterator[Session]:
    with _transaction(request) as session:
        yield session


# scope="function": the commit happens when the endpoint returns, before the response
# goes out, so a client never sees 200 for a write that then failed to commit.
Db = Annotated[Session, Depends(_session, scope="function")]


def settings(request: Request) -> Settings:
    return request.app.state.settings


def master_key(request: Request) -> bytes:
    return request.app.state.master_key


def hasher(request: Request) -> PasswordHasher:
    return request.app.state.hasher


def _device_caller(
    db: Db, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> auth.Caller:
    return auth.Caller(device=auth.device_for_token(db, credentials and credentials.credentials))


DeviceCaller = Annotated[auth.Caller, Depends(_device_caller)]
# The bearer credentials alone: for describing endpoints that use `as_device`.
BearerToken = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


def as_device(request: Request, token: str | None,
              work: Callable[[Session, auth.SyncDevice], T], *,
              statement_by_statement: bool = False) -> T:
    """Who is calling, then `work`, in one transaction committed before it returns (or,
    `statement_by_statement`, each statement committed as it runs): what
    `Db` and `DeviceCaller` do, in one thread. Sync's endpoints take every device's every
    cycle; as dependencies, the session and the caller cost a request four trips through
    the thread pool (open, caller, endpoint, close) and a third of its CPU time."""
    with _transaction(request) as session:
        begin = False
        if statement_by_statement:  # see db.commit_each_statement
            db.commit_each_statement(session)
        else:  # BEGIN goes with the caller's lookup: one wait, not two
            begin = db.begin_with_first_statement(session)
        return work(session, auth.sync_device(session, token, begin=begin))


def _sign_in_caller(
    db: Db, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> auth.Caller:
    return auth.caller_for_sign_in(db, credentials and credentials.credentials)


# The device token or the device's sign-in key (a worker new to the laptop signs in with it).
SignInCaller = Annotated[auth.Caller, Depends(_sign_in_caller)]


def _worker_caller(
    db: Db, caller: DeviceCaller, token: Annotated[str | None, Security(_session_header)]
) -> auth.Caller:
    if not token:
        raise Refused(401, p.ERR_SESSION_REQUIRED, f"sign in first and send {p.SESSION_HEADER}")
    return auth.Caller(
        device=caller.device, worker=auth.worker_for_session(db, caller.device, token)
    )


WorkerCaller = Annotated[auth.Caller, Depends(_worker_caller)]
SettingsDep = Annotated[Settings, Depends(settings)]
MasterKey = Annotated[bytes, Depends(master_key)]
Hasher = Annotated[PasswordHasher, Depends(hasher)]
