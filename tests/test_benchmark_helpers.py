"""The benchmarks' own plumbing still works: `make bench` is not part of `make test`, so
a change that broke what the figures are built on went unseen until someone measured."""

from __future__ import annotations

from benchmarks import sync_data, sync_load
from benchmarks import sync_server as srv


def test_the_sync_benchmarks_enrol_a_device_and_push_through_a_real_server(
        postgres_admin_url: str) -> None:
    with srv.throwaway_database() as url, srv.sync_server(url, workers=1) as server:
        ids = srv.add_team(server, "Bench check", ["dee"])
        [device] = srv.enrol_devices(server, "Bench check", 1, ids["dee"])
        changes = sync_data.people_changes(3, ids["dee"], device.device_id)
        _seconds, stored = sync_load._push_all(server.url, device, changes, in_flight=1)

    assert stored == len(changes)
