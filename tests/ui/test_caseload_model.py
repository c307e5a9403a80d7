"""The caseload's columns: short enough to read at a glance, the detail on hover."""

from PySide6.QtCore import Qt

from app.services.views import PersonSummary
from app.ui.caseload_model import ASSESSMENT, NEXT, RISK, WHERE, CaseloadModel

TITLES = {"housing": "Housing", "substances": "Drug and alcohol use", "health": "Health"}


def _cell(stale: tuple[str, ...], role=Qt.ItemDataRole.DisplayRole):
    model = CaseloadModel(TITLES)
    model.set_people([PersonSummary("p1", "Lee", "Walker", None, stale_sections=stale)])
    return model.data(model.index(0, ASSESSMENT), role)


def test_some_sections_to_review_are_counted_and_named_in_the_tooltip(qapp):
    assert _cell(("housing", "substances")) == "2 to review"
    tooltip = _cell(("housing", "substances"), Qt.ItemDataRole.ToolTipRole)
    assert "Housing" in tooltip and "Drug and alcohol use" in tooltip and "Health" not in tooltip


def test_never_assessed_and_up_to_date_need_no_tooltip(qapp):
    assert _cell(tuple(TITLES)) == "not assessed"
    assert _cell(tuple(TITLES), Qt.ItemDataRole.ToolTipRole) is None
    assert _cell(()) == "up to date"
    assert _cell((), Qt.ItemDataRole.ToolTipRole) is None


def _row(**kwargs) -> list[str]:
    model = CaseloadModel(TITLES)
    model.set_people([PersonSummary("p1", "Lee", "Walker", None, **kwargs)])
    return [model.data(model.index(0, c)) for c in range(model.columnCount())]


def test_the_risk_column_drops_the_word_risk_so_a_narrow_caseload_still_shows_the_level(qapp):
    assert _row(risk_headline="Risk not assessed")[RISK] == "not assessed"
    assert _row(risk_headline="HIGH risk: overdose (not assessed: injecting)")[RISK] == "HIGH"
    assert _row(risk_headline="Low risk")[RISK] == "Low"
    assert _row(risk_headline="No known risk")[RISK] == "none known"


def test_the_young_persons_badge_comes_first_so_eliding_the_name_keeps_it(qapp):
    name = _row(young_person=True)[0]
    assert name == "YP · WALKER, Lee"
    assert _row(young_person=False)[0] == "WALKER, Lee"


def _tip(column: int, **kwargs) -> str | None:
    model = CaseloadModel(TITLES)
    model.set_people([PersonSummary("p1", "Lee", "Walker", None, **kwargs)])
    return model.data(model.index(0, column), Qt.ItemDataRole.ToolTipRole)


def test_where_says_a_handover_or_the_weeks_after_release_before_the_setting(qapp):
    assert _row(setting="prison")[WHERE] == "Prison"
    assert _row()[WHERE] == "not known"
    assert _row(setting="community", days_since_release=5)[WHERE] == "Released 5d"
    assert "overdose risk" in _tip(WHERE, setting="community", days_since_release=5)
    handed = {"setting": "prison", "in_handover": "Harlow community"}
    assert _row(**handed)[WHERE] == "In handover"
    assert _tip(WHERE, **handed) == "In handover to Harlow community: not yet accepted"
    assert _row(**handed)[0] == "WALKER, Lee"  # the name whole, not cut by a mark


def test_next_is_the_day_and_what_the_tooltip_has_the_rest(qapp):
    key = "05/03/2027 Court: Basildon Crown Court"
    assert _row(next_key_date=key)[NEXT] == "05/03 Court"
    assert _tip(NEXT, next_key_date=key) == key
    assert _row()[NEXT] == "—"
    assert _row(next_key_date="09/12/2026 Appointment: Colchester hub")[NEXT] == "09/12 Appt"
    assert _row(next_key_date="01/02/2027 Required Assessment (follow-up): Harlow hub"
                )[NEXT] == "01/02 RA"
