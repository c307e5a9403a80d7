"""The editors of a journey event, built from its kind: what happened, and its details.

Every editor is chosen from the keyboard. The kind is chosen by typing any part of its
name ("test" finds "Drug test on arrest"); the kinds are grouped under their setting.
Dates are typed dd/mm/yyyy, times HH:MM, yes/no and codes are type-to-choose lists with a
blank first, so nothing is answered by accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QSpinBox, QWidget

from app.domain.dates import parse_date
from app.domain.journey.events import DetailValue
from app.domain.journey.kinds import Detail, DetailType, Kind, KindDef, Setting
from app.domain.valuesets import ValueSet
from app.ui.fields import YES_NO, choice_editor, editor_text, set_editor_text
from app.ui.journey_words import code_words

_KIND = Qt.ItemDataRole.UserRole
_GROUPS = ((Setting.CUSTODY, "Custody and Required Assessment"), (Setting.COURT, "Court"),
           (Setting.PRISON, "Prison"), (Setting.COMMUNITY, "Community and treatment"))
_TIME = re.compile(r"(\d{1,2})[:.]?(\d{2})\Z")
NOT_GIVEN = -1  # the spin box's blank: 'not given'
CHOOSE = "— type to choose what happened —"


class KindChooser(QComboBox):
    """Kinds of event under their setting's heading; typing part of a name chooses it."""

    def __init__(self, kinds: Iterable[KindDef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        kinds = list(kinds)
        model = QStandardItemModel(self)
        model.appendRow(QStandardItem(CHOOSE))
        for setting, heading in _GROUPS:
            group = [k for k in kinds if k.setting is setting]
            if group:
                model.appendRow(_heading(heading))
            for kind in group:
                model.appendRow(_kind_item(kind))
        for kind in (k for k in kinds if k.setting not in dict(_GROUPS)):
            model.appendRow(_kind_item(kind))  # 'Entered in error' belongs to no setting
        self.setModel(model)
        self.setMaxVisibleItems(20)
        self._typed = ""
        self._since_key = QElapsedTimer()

    def kind(self) -> Kind | None:
        code = self.currentData(_KIND)
        return Kind(code) if code else None

    def set_kind(self, kind: Kind) -> None:
        self.setCurrentIndex(max(self.findData(kind.value, _KIND), 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if plain and text and text.isprintable():
            self._type(text)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace:
            self._typed = self._typed[:-1]
        super().keyPressEvent(event)

    def _type(self, text: str) -> None:
        if not self._since_key.isValid() \
                or self._since_key.elapsed() > QApplication.keyboardInputInterval() * 3:
            self._typed = ""  # a pause starts a new search (longer than Qt's: names are long)
        self._since_key.restart()
        if not self._typed and text == " ":
            return  # a lone space must not open the popup
        self._typed += text
        index = self._best(self._typed.casefold())
        if index >= 0:
            self.setCurrentIndex(index)

    def _best(self, wanted: str) -> int:
        """The first kind whose name starts with it, else a word in it, else anywhere."""
        labels = [(i, self.itemText(i).casefold()) for i in range(self.count())
                  if self.itemData(i, _KIND)]
        for matches in (lambda t: t.startswith(wanted),
                        lambda t: any(w.startswith(wanted) for w in t.split()),
                        lambda t: wanted in t):
            found = next((i for i, label in labels if matches(label)), -1)
            if found >= 0:
                return found
        return -1


def _kind_item(kind: KindDef) -> QStandardItem:
    item = QStandardItem(kind.label)
    item.setData(kind.kind.value, _KIND)
    return item


def _heading(text: str) -> QStandardItem:
    item = QStandardItem(text.upper())
    item.setFlags(Qt.ItemFlag.NoItemFlags)  # not choosable; arrows step over it
    font = item.font()
    font.setBold(True)
    item.setFont(font)
    return item


# ---- one detail ------------------------------------------------------------------------------
def detail_editor(detail: Detail, value_sets: Mapping[str, ValueSet],
                  parent: QWidget | None = None) -> QWidget:
    widget: QWidget
    if detail.type is DetailType.YES_NO:
        widget = choice_editor(YES_NO, parent)
    elif detail.type is DetailType.CODE:
        codes = detail.choices or tuple(value_sets[detail.value_set].codes)
        widget = choice_editor((("", ""), *((c, code_words(detail, c, value_sets))
                                            for c in codes)), parent)
    elif detail.type is DetailType.WHOLE:
        widget = QSpinBox(parent)
        widget.setRange(NOT_GIVEN, 1200)
        widget.setSpecialValueText("not given")
        widget.setValue(NOT_GIVEN)
    else:
        widget = QLineEdit(parent)
        widget.setPlaceholderText({DetailType.DATE: "dd/mm/yyyy",
                                   DetailType.TIME: "HH:MM, e.g. 09:30"}.get(detail.type, ""))
    widget.setAccessibleName(detail.label + ("" if detail.required else " (optional)"))
    widget.setObjectName(f"detail_{detail.name}")
    return widget


def read_detail(detail: Detail, widget: QWidget) -> DetailValue:
    """The value to record, or None for blank. A date that cannot be read raises
    InvalidDate (the dialog shows it beside the field, and keeps what was typed)."""
    if isinstance(widget, QSpinBox):
        return None if widget.value() == NOT_GIVEN else widget.value()
    text = editor_text(widget).strip()
    if not text:
        return None
    if detail.type is DetailType.YES_NO:
        return text == "Y"
    if detail.type is DetailType.DATE:
        return parse_date(text, field=detail.label.lower()).isoformat()
    if detail.type is DetailType.TIME:
        typed = _TIME.match(text)
        return f"{int(typed.group(1)):02d}:{typed.group(2)}" if typed else text
    return text


def write_detail(detail: Detail, widget: QWidget, value: DetailValue) -> None:
    """Fill an editor from a recorded value (a correction starts from the wrong event)."""
    if isinstance(widget, QSpinBox):
        widget.setValue(value if isinstance(value, int) else NOT_GIVEN)
    elif value is None:
        set_editor_text(widget, "")
    elif detail.type is DetailType.YES_NO:
        set_editor_text(widget, "Y" if value else "N")
    elif detail.type is DetailType.DATE and isinstance(value, str):
        set_editor_text(widget, f"{date.fromisoformat(value):%d/%m/%Y}")
    else:
        set_editor_text(widget, str(value))
