"""Value sets: the coded answers (substances, districts, referral sources...) as data.

They live as JSON in ``resources/valuesets`` so a new code is a data change, not a
code change. Each file is ``{"id", "version", "items": [{"code", "label"}, ...]}``;
an item may carry extra keys (``out_of_area`` on home districts) that callers read
through ``ValueSetItem.extra``. Nothing is read at import time: the caller passes
the resources directory (app.config knows where it is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType


class ValueSetError(ValueError):
    """A value set file is malformed; the message names the file and the fault."""


@dataclass(frozen=True)
class ValueSetItem:
    code: str
    label: str
    extra: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ValueSet:
    id: str
    version: int
    items: tuple[ValueSetItem, ...]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[ValueSetItem]:
        return iter(self.items)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @cached_property  # frozen dataclasses allow this: it writes to __dict__ directly
    def _by_code(self) -> Mapping[str, ValueSetItem]:
        return {item.code: item for item in self.items}

    def label_for(self, code: str) -> str:
        """The label to show for a code, or the raw code when it is unknown (never raise)."""
        item = self._by_code.get(code)
        return item.label if item else code

    def item(self, code: str) -> ValueSetItem:
        return self._by_code[code]


def parse_value_set(data: object, *, source: str = "value set") -> ValueSet:
    """Build a ValueSet from decoded JSON, refusing anything that is not the agreed shape."""
    if not isinstance(data, dict) or not {"id", "version", "items"} <= data.keys():
        raise ValueSetError(f"{source}: needs keys id, version and items")
    items = []
    for position, raw in enumerate(data["items"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw.get(
            "label"
        ):
            raise ValueSetError(f"{source}: item {position} needs a string code and a label")
        extra = {key: value for key, value in raw.items() if key not in ("code", "label")}
        items.append(ValueSetItem(raw["code"], str(raw["label"]), MappingProxyType(extra)))
    codes = [item.code for item in items]
    if len(codes) != len(set(codes)):
        raise ValueSetError(f"{source}: duplicate codes")
    return ValueSet(str(data["id"]), int(data["version"]), tuple(items))


def load_value_set(path: Path) -> ValueSet:
    value_set = parse_value_set(json.loads(path.read_text(encoding="utf-8")), source=path.name)
    if value_set.id != path.stem:
        raise ValueSetError(f"{path.name}: id '{value_set.id}' should match the file name")
    return value_set


def load_value_sets(resources_dir: Path) -> dict[str, ValueSet]:
    """Every ``*.json`` under ``resources_dir/valuesets`` (or ``resources_dir`` itself), by id."""
    folder = resources_dir / "valuesets"
    if not folder.is_dir():
        folder = resources_dir
    return {path.stem: load_value_set(path) for path in sorted(folder.glob("*.json"))}
