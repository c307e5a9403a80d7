from app.store.throttle import FREE_ATTEMPTS, SignInThrottle, delay_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_delay_grows_after_the_free_attempts():
    delays = [delay_after(n) for n in range(1, 8)]
    assert delays[: FREE_ATTEMPTS - 1] == [0.0] * (FREE_ATTEMPTS - 1)
    assert delays[FREE_ATTEMPTS - 1 :] == sorted(delays[FREE_ATTEMPTS - 1 :])
    assert delays[-1] > delays[FREE_ATTEMPTS - 1] > 0
    assert delay_after(1000) == 300.0


def test_the_delay_survives_a_restart(tmp_path):
    clock = FakeClock()
    first_run = SignInThrottle(tmp_path / "throttle.json", clock)
    for _ in range(FREE_ATTEMPTS + 1):
        first_run.record_failure("jo")
    waiting = first_run.seconds_to_wait("jo")
    assert waiting > 0
    after_restart = SignInThrottle(tmp_path / "throttle.json", clock)
    assert after_restart.seconds_to_wait("jo") == waiting
    clock.now += waiting + 1
    assert after_restart.seconds_to_wait("jo") == 0


def test_success_clears_the_count_and_hands_back_failures_for_the_audit(tmp_path):
    clock = FakeClock()
    throttle = SignInThrottle(tmp_path / "throttle.json", clock)
    throttle.record_failure("Jo")
    throttle.record_failure("jo")
    assert throttle.record_success("jo") == [clock.now, clock.now]
    assert throttle.seconds_to_wait("jo") == 0
    assert throttle.record_success("jo") == []


def test_one_worker_failing_does_not_delay_another(tmp_path):
    throttle = SignInThrottle(tmp_path / "throttle.json", FakeClock())
    for _ in range(6):
        throttle.record_failure("jo")
    assert throttle.seconds_to_wait("sam") == 0
