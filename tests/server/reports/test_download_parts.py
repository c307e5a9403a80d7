"""Which generated file is which, for the console's downloads: by the report's own stem,
so a team named like a part ("NDTMS", "Forms") cannot be taken for it (review)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.server.reports.downloads import _EVERY, _by_part


@pytest.mark.parametrize("slug", ["custody-north", "ndtms", "forms", "episodes"])
def test_each_part_is_found_whatever_the_team_is_called(slug: str) -> None:
    paths = tuple(Path(f"/tmp/x/insideout-2026Q3-{slug}-{part}") for part in _EVERY)
    found = _by_part(paths)
    assert sorted(found) == sorted(_EVERY)
    assert all(found[part].name.endswith(f"{slug}-{part}") for part in _EVERY)
