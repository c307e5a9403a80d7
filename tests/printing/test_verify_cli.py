"""`python main.py verify plan.pdf`: intact or not, which record and version, current or not."""

import io

import main
from app.services import careplan, printing
from tests.careplan.helpers import add_person, plan_input, signed_inputs
from tests.conftest import PASSPHRASE


def _saved_plan(signed_in, tmp_path):
    person_id = add_person(signed_in)
    draft = careplan.save_plan(session=signed_in, person_id=person_id, plan=plan_input())
    person, worker = signed_inputs()
    careplan.sign_version(session=signed_in, version_id=draft.id, person=person, worker=worker)
    path = tmp_path / "plan.pdf"
    path.write_bytes(printing.care_plan_pdf(session=signed_in, version_id=draft.id).data)
    return path, draft


def test_verify_signed_in_says_intact_trusted_which_version_and_current(
        signed_in, data_paths, tmp_path, capsys, monkeypatch):
    path, draft = _saved_plan(signed_in, tmp_path)
    signed_in.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    code = main.main(["--data-dir", str(data_paths.data_dir), "verify", str(path),
                      "--username", "jo", "--password-stdin"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("Intact")
    assert "certificate this device trusts" in out
    assert f"Care plan record {draft.person_id}, version 1." in out
    assert "Person: SMITH, Darren." in out and "This is the current version." in out


def test_verify_without_signing_in_checks_integrity_and_catches_a_flipped_byte(
        signed_in, tmp_path, capsys):
    path, _ = _saved_plan(signed_in, tmp_path)
    assert main.main(["verify", str(path)]) == 0
    assert "trust not checked" in capsys.readouterr().out
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))
    assert main.main(["verify", str(path)]) == 1
    assert capsys.readouterr().out.startswith("NOT INTACT")


def test_verify_a_file_that_is_not_ours(tmp_path, capsys):
    path = tmp_path / "other.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    assert main.main(["verify", str(path)]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out
    assert main.main(["verify", str(tmp_path / "missing.pdf")]) == 2
