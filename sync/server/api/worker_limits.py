"""How often a worker may look people up and break glass, and what the team lead is told.

Person lookup, per worker: 30 a minute, 300 a day. A worker checks the people in front of
them; a custody suite sees at most a few dozen arrivals in a shift, each needing one to
three lookups. 30 a minute leaves room for a retry burst; 300 a day is several times a busy
day. At the ~190 a second a script manages, the registry could be read in an afternoon;
with these limits one stolen session learns at most 300 linkage keys a day, and the team
lead hears of it. Per laptop: twice that, as several workers share a laptop over shifts.

Break-glass, per worker: 3 an hour, 10 a day. It opens a record without consent, for an
emergency in front of the worker; more than three in an hour or ten in a day is far past
any real run of emergencies and looks like misuse or a stolen session.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.server.services import audit
from sync.server.services.auth import Caller
from sync.server.services.call_limits import Check, Limit, Tell

MINUTE, HOUR, DAY = 60, 3_600, 86_400
LOOKUPS_PER_WORKER = (Limit(30, MINUTE, "a minute"), Limit(300, DAY, "a day"))
LOOKUPS_PER_DEVICE = (Limit(60, MINUTE, "a minute"), Limit(600, DAY, "a day"))
BREAK_GLASS_PER_WORKER = (Limit(3, HOUR, "an hour"), Limit(10, DAY, "a day"))


def lookup_checks(caller: Caller) -> list[Check]:
    worker = caller.require_worker()
    return ([Check(f"lookup:worker:{worker.id}", limit, "worker")
             for limit in LOOKUPS_PER_WORKER]
            + [Check(f"lookup:device:{caller.device.id}", limit, "laptop")
               for limit in LOOKUPS_PER_DEVICE])


def break_glass_checks(caller: Caller) -> list[Check]:
    worker = caller.require_worker()
    return [Check(f"break-glass:worker:{worker.id}", limit, "worker")
            for limit in BREAK_GLASS_PER_WORKER]


def tell_lead(session: Session, caller: Caller, *, what: str, action: str) -> Tell:
    """A `Tell` that audits the refusal and notifies the caller's team lead(s)."""
    worker = caller.require_worker()

    def tell(check: Check) -> None:
        event = audit.record(session, action, actor=caller.actor, worker_id=worker.id,
                             device_id=caller.device.id, limit=check.limit.calls,
                             window_s=check.limit.window_s, per=check.whose)
        whose = (f"{worker.display_name}" if check.whose == "worker"
                 else f"laptop '{caller.device.name}' (last used by {worker.display_name})")
        teams = {team for team in (caller.device.team_id, worker.team_id) if team}
        audit.notify_team(
            session, teams, event, kind=action.replace(".", "_"),
            text=f"{whose} reached the limit of {check.limit.calls} {what} "
            f"{check.limit.period}; further ones are refused until the period ends. "
            "If this is not expected, ask them, and revoke the laptop if it may be in the "
            "wrong hands.")

    return tell
