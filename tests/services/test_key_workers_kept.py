"""A lead's laptop offers the team's workers as the server last listed them: a colleague
who never used this laptop, but not one who was switched off."""

from __future__ import annotations

import json

from app.services.key_workers import keep_team_workers, known_workers
from app.store.sync.models import SyncState


class _Server:
    def __init__(self, listed: list[dict]) -> None:
        self.listed, self.asked = listed, 0

    def team_workers(self) -> list[dict]:
        self.asked += 1
        return self.listed


def test_the_servers_list_is_kept_and_a_switched_off_worker_is_not_offered(signed_in):
    server = _Server([
        {"worker_id": "w-cal", "display_name": "Cal Reid", "role": "worker", "active": True},
        {"worker_id": "w-dee", "display_name": "Dee Moss", "role": "worker", "active": False}])

    assert keep_team_workers(session=signed_in, transport=server)  # type: ignore[arg-type]

    names = [w.name for w in known_workers(session=signed_in)]
    assert "Cal Reid" in names and "Dee Moss" not in names
    assert signed_in.worker.full_name in names  # signed in here
    # Asked again only after a quarter of an hour: not a round trip on every sync.
    assert not keep_team_workers(session=signed_in, transport=server)  # type: ignore[arg-type]
    assert server.asked == 1
    with signed_in.transaction() as db:
        kept = json.loads(db.get(SyncState, "team_workers").value)
    assert [w["worker_id"] for w in kept] == ["w-cal", "w-dee"]
