from app.domain.clock import HybridLogicalClock
from app.store.identity import WriteContext, stamp_delete, stamp_edit, stamp_new
from app.store.models import Person


def test_new_edit_delete_keep_lineage_and_order():
    ctx = WriteContext("device-a", "worker-1", HybridLogicalClock("device-a", lambda: 5))
    person = Person(given_name="A", family_name="B")
    stamp_new(person, ctx)
    first_id, first_rev, created = person.id, person.revision_id, person.created_hlc
    assert person.base_revision_id is None and len(first_id) == 36
    stamp_edit(person, ctx)
    assert person.base_revision_id == first_rev != person.revision_id
    assert person.updated_hlc > created and person.id == first_id
    edited_rev = person.revision_id
    stamp_delete(person, ctx)
    assert person.deleted and person.base_revision_id == edited_rev
    assert (person.device_id, person.worker_id) == ("device-a", "worker-1")
