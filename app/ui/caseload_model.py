"""The caseload table: who, age, where they are and what comes next, last contact, risk and
what needs checking, at a glance."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QTableView

from app.services.views import PersonSummary

# "Seen", not "Last contact": the header is wider than the date under it, and at 1366 px
# beside a record those pixels decide whether the column shows at all.
_COLUMNS = ("Name", "Born (age)", "Where", "Next", "Seen", "Risk", "Assessment")
NAME, BORN, WHERE, NEXT, LAST_CONTACT, RISK, ASSESSMENT = range(len(_COLUMNS))
Index = QModelIndex | QPersistentModelIndex
_HANDOVER_COLOUR = "#9a5b00"  # amber: waiting on someone, not a risk
_RISK_COLOURS = {"high": "#a4161a", "medium": "#9a5b00"}
_RED = "#a4161a"
_SETTINGS = {"custody": "Custody", "court": "Court", "prison": "Prison",
             "community": "Community"}


def _born(person: PersonSummary) -> str:
    if not person.date_of_birth:
        return "not known"
    iso = person.date_of_birth
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]} ({person.age})"


def _assessment(person: PersonSummary, section_count: int) -> str:
    # Short enough for the column at its default width; the tooltip names the sections.
    if len(person.stale_sections) >= section_count:
        return "not assessed"
    if person.stale_sections:
        return f"{len(person.stale_sections)} to review"
    return "up to date"


def _short_risk(headline: str) -> str:
    """'HIGH risk: overdose' -> 'HIGH', 'Risk not assessed' -> 'not assessed': the
    column is headed Risk, and a narrow caseload must still show the level."""
    short = headline.split(" (")[0].strip()
    if short == "No known risk":
        return "none known"
    if short.lower().startswith("risk "):
        short = short[5:]
    return short.split(" risk:")[0].removesuffix(" risk")  # the level; flags in the tooltip


def _where(person: PersonSummary) -> str:
    """One word or two: a handover waiting, or the overdose-risk weeks after release, say
    more than the setting does (the tooltip and the record say the rest)."""
    if person.in_handover:
        return "In handover"
    if person.days_since_release is not None:
        return f"Released {person.days_since_release}d"
    return _SETTINGS.get(person.setting, "not known")


def _where_tooltip(person: PersonSummary) -> str | None:
    if person.in_handover:
        return f"In handover to {person.in_handover}: not yet accepted"
    if person.days_since_release is not None:
        return (f"Released {person.days_since_release} days ago: overdose risk for 28 days "
                "after release")
    return None


# Short enough that Next shows beside a record at 1366 px; the tooltip says it in full.
_NEXT_WORDS = {"Appointment": "Appt", "Expected release": "Release",
               "Required Assessment (initial)": "RA", "Required Assessment (follow-up)": "RA"}


def _next(person: PersonSummary) -> str:
    """'05/03 Court': the day and what, short; the tooltip has the year and the place."""
    if not person.next_key_date:
        return "—"
    on, _, what = person.next_key_date.partition(" ")
    head = what.split(":")[0]
    return f"{on[:5]} {_NEXT_WORDS.get(head, head)}"


def _name_tooltip(person: PersonSummary) -> str | None:
    said = [f"In handover to {person.in_handover}: not yet accepted"] if person.in_handover \
        else []
    if person.young_person:
        said.append("Under 18: young people's pathway")
    return "\n".join(said) or None


class CaseloadModel(QAbstractTableModel):
    def __init__(self, section_titles: dict[str, str] | None = None) -> None:
        """`section_titles`: the assessment's sections, id -> title, in order."""
        super().__init__()
        self._people: list[PersonSummary] = []
        self._titles = section_titles or {}
        self._section_count = len(self._titles) or 10

    def _stale_tooltip(self, person: PersonSummary) -> str | None:
        if not person.stale_sections or len(person.stale_sections) >= self._section_count:
            return None
        names = [self._titles.get(s, s) for s in person.stale_sections]
        return "Not confirmed recently — review: " + ", ".join(names)

    def set_people(self, people: list[PersonSummary]) -> None:
        self.beginResetModel()
        self._people = list(people)
        self.endResetModel()

    def column_texts(self, column: int) -> list[str]:
        return [self._text(person, column) for person in self._people]

    def person_at(self, row: int) -> PersonSummary:
        return self._people[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def _text(self, person: PersonSummary, column: int) -> str:
        if column == NAME:
            # The badge goes first: a narrow column elides the end of the text, not the start.
            return ("YP · " if person.young_person else "") + person.display_name
        if column == BORN:
            return _born(person)
        if column == WHERE:
            return _where(person)
        if column == NEXT:
            return _next(person)
        if column == LAST_CONTACT:  # the date; the setting is in the tooltip: a narrow column
            return person.last_contact.split(" ")[0] if person.last_contact else "none yet"
        if column == RISK:  # the short form; the tooltip has the whole headline
            return _short_risk(person.risk_headline)
        return _assessment(person, self._section_count)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        person = self._people[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(person, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(person, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _colour(person, index.column())
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and _colour(person, index.column()) \
                and index.column() in (NAME, WHERE):
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def _tooltip(self, person: PersonSummary, column: int) -> str | None:
        if column == NAME:
            return _name_tooltip(person)
        if column == WHERE:
            return _where_tooltip(person)
        if column == NEXT:
            return person.next_key_date or None
        if column == LAST_CONTACT:
            return person.last_contact or None
        if column == RISK:
            return person.risk_headline
        if column == ASSESSMENT:
            return self._stale_tooltip(person)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None


def _colour(person: PersonSummary, column: int) -> str | None:
    """Amber for a handover waiting (on someone, not a risk), red for risk and for the
    weeks after release."""
    if column in (NAME, WHERE) and person.in_handover:
        return _HANDOVER_COLOUR
    if column == WHERE and person.days_since_release is not None:
        return _RED
    if column == RISK:
        return _RISK_COLOURS.get(person.risk_level)
    return None


# px the name keeps before a column gives way: "O'NEILL, Michelle" whole; the name is
# what a worker looks for first.
NAME_ROOM = 150
# When narrow (a record open beside it on a small screen): Assessment first, then Seen,
# Next and Born (each is on the open record's banner too). The name, where the person is
# (in handover, just released) and their risk never give way.
_GIVES_WAY = (ASSESSMENT, LAST_CONTACT, NEXT, BORN)


class CaseloadTable(QTableView):
    """The caseload, never scrolled sideways: when it is narrow (a record open beside it
    on a small screen) the least needed columns give way instead of being cut off.

    Column widths are measured once per refresh from the texts, not by Qt's
    resize-to-contents, which asked the model for every cell dozens of times (42,000
    calls, a third of opening the main window on a full caseload).
    """

    def __init__(self) -> None:
        super().__init__()
        self._widths: dict[int, int] = {}

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._give_way()

    def fit_columns(self) -> None:
        model = self.model()
        if not isinstance(model, CaseloadModel):
            return
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        bold = QFont(header.font())
        bold.setBold(True)  # the stylesheet sets headers bold; fontMetrics() does not know
        cell, head = self.fontMetrics(), QFontMetrics(bold)
        strong = QFont(self.font())
        strong.setBold(True)  # Where's handover and release words are bold
        measures = {WHERE: QFontMetrics(strong)}
        self._widths = {}
        for column in range(1, model.columnCount()):
            texts = model.column_texts(column)
            metrics = measures.get(column, cell)
            widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
            self._widths[column] = max(widest + 16, head.horizontalAdvance(_COLUMNS[column]) + 24)
            self.setColumnWidth(column, self._widths[column])
        self._give_way()

    def _give_way(self) -> None:
        width = dict(self._widths)
        room = self.viewport().width() - NAME_ROOM
        hidden = set()
        for column in _GIVES_WAY:
            if sum(width.values()) <= room:
                break
            hidden.add(column)
            width.pop(column, None)
        for column in self._widths:
            self.setColumnHidden(column, column in hidden)
