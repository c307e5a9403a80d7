"""Where a load test's CPU time went: the server's processes, PostgreSQL, the load itself.

The 100-device figure is bound by two cores shared by all three; the split says which
part a change would have to shrink. Read from /proc (Linux); elsewhere it is empty.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of: the server process and its children, PostgreSQL's
    processes, and this process."""
    if not PROC.is_dir():
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    parents, times, names = {}, {}, {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        name, _, rest = stat[stat.index("(") + 1:].rpartition(")")
        fields = rest.split()
        pid = int(entry.name)
        parents[pid], names[pid] = int(fields[1]), name
        times[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    split = {"server": 0.0, "postgres": 0.0, "load": times.get(os.getpid(), 0.0)}
    for pid, seconds in times.items():
        if names[pid].startswith("postgres"):
            split["postgres"] += seconds
        elif _descends_from(pid, server_pid, parents):
            split["server"] += seconds
    return split


def _descends_from(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    for _ in range(16):  # uvicorn's workers are children; nothing here nests deeper
        if pid == ancestor:
            return True
        pid = parents.get(pid, 0)
        if pid <= 1:
            return False
    return False


def per_request_ms(before: dict[str, float], after: dict[str, float],
                   requests: int) -> str:
    """"server 6.1 / postgres 3.4 / load 0.5 ms" of CPU per request, or "" off Linux."""
    if not before or not requests:
        return ""
    return " / ".join(f"{part} {(after[part] - before[part]) / requests * 1000:.1f}"
                      for part in before) + " ms"
