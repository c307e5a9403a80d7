"""Nothing a worker types may be readable in any file the device leaves behind."""

from app.services import assessment, drafts, people
from app.services.session import lock
from app.services.views import PersonInput

KNOWN = ["Zebedee", "Quixotefield", "Wormwood-Ashby", "TYPEDBUTNOTSAVED",
         "Get my kids back from Mablethorpe", "0000001Q"]


def _all_bytes_under(folder):
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _leaks(folder):
    found = []
    for path, data in _all_bytes_under(folder).items():
        for word in KNOWN:
            for encoded in (word.encode("utf-8"), word.encode("utf-16-le"), word.lower().encode()):
                if encoded in data:
                    found.append((path.name, word))
    return found


def test_known_strings_are_not_in_any_file_while_open_or_after_lock(signed_in, data_paths):
    first = people.create_person(session=signed_in, person=PersonInput(
        given_name=KNOWN[0], family_name=KNOWN[1], date_of_birth="01/01/1990",
        aliases=(("Zeb the Quixotic", "nickname"),), pnc_id="2001/0000001Q"))
    people.create_person(session=signed_in, person=PersonInput(given_name="Ann",
                                                               family_name=KNOWN[2]))
    assessment.save_section(session=signed_in, person_id=first.id, section="goals",
                            typed={"goals_own_words": KNOWN[4]})
    drafts.save_drafts(session=signed_in, drafts={"new-person": {"given_name": KNOWN[3]}})
    files_while_open = {p.name for p in data_paths.data_dir.rglob("*") if p.is_file()}
    assert "insideout.db-wal" in files_while_open  # the WAL exists and is checked too
    assert _leaks(data_paths.data_dir) == []
    lock(session=signed_in)
    assert _leaks(data_paths.data_dir) == []
    assert not (data_paths.data_dir / "insideout.db-wal").exists() or (
        (data_paths.data_dir / "insideout.db-wal").stat().st_size == 0)


def test_the_check_itself_would_catch_a_leak(tmp_path):
    (tmp_path / "leaky.txt").write_text(f"notes about {KNOWN[0]}")
    assert _leaks(tmp_path) == [("leaky.txt", KNOWN[0])]
