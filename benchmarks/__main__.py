"""Run every benchmark group and print one table."""

from __future__ import annotations

from benchmarks import careplan, foundation, people, quarterly_report, screens, sync
from benchmarks.table import render


def main() -> None:
    print(render([*foundation.rows(), *people.rows(), *careplan.rows(), *screens.rows(),
                  *sync.rows(), *quarterly_report.rows()]), flush=True)


if __name__ == "__main__":
    main()
