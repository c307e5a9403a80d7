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


def test_the_task_list_benchmark_opens_a_workers_list_over_journeys(qapp, signed_in) -> None:
    from app.services import people
    from app.services.views import PersonInput
    from benchmarks import journeys, worklist

    ids = [people.create_person(session=signed_in, person=PersonInput(
        given_name=given, family_name=family, date_of_birth=f"0{n + 1}/0{n + 2}/198{n}")).id
        for n, (given, family) in enumerate((("Lee", "Walker"), ("Kai", "Osei"),
                                             ("Jade", "Moore")))]
    journeys.load(signed_in, ids)

    rows = worklist.rows(signed_in, ids)

    assert [row.budget for row in rows] == ["", "200 ms", "", "300 ms", ""]
    assert "tasks, 200 people" in rows[1].what
