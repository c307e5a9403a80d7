"""The caseload's Assessment column: short enough to read at a glance, the detail on hover."""

from PySide6.QtCore import Qt

from app.services.views import PersonSummary
from app.ui.caseload_model import CaseloadModel

TITLES = {"housing": "Housing", "substances": "Drug and alcohol use", "health": "Health"}


def _cell(stale: tuple[str, ...], role=Qt.ItemDataRole.DisplayRole):
    model = CaseloadModel(TITLES)
    model.set_people([PersonSummary("p1", "Lee", "Walker", None, stale_sections=stale)])
    return model.data(model.index(0, 4), role)


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
    assert _row(risk_headline="Risk not assessed")[3] == "not assessed"
    assert _row(risk_headline="HIGH risk: overdose (not assessed: injecting)")[3] == "HIGH"
    assert _row(risk_headline="Low risk")[3] == "Low"
    assert _row(risk_headline="No known risk")[3] == "none known"


def test_the_young_persons_badge_comes_first_so_eliding_the_name_keeps_it(qapp):
    name = _row(young_person=True)[0]
    assert name == "YP · WALKER, Lee"
    assert _row(young_person=False)[0] == "WALKER, Lee"
