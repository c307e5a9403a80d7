"""A lock waits for the database thread and delivers its callbacks while the window that
asked still exists (a save's result arriving after the window was deleted raised in
whatever ran next)."""

import time

from app.ui.tasks import TaskRunner


def test_wait_for_idle_runs_the_callbacks_of_finished_work_before_returning(qapp):
    runner = TaskRunner()
    seen: list[object] = []

    def slow() -> str:
        time.sleep(0.05)
        return "saved"

    runner.run_db(slow, on_success=seen.append, on_failure=seen.append)
    assert runner.wait_for_idle()
    assert seen == ["saved"]  # delivered by wait_for_idle, not by a later event loop turn
