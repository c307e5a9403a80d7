"""The headless commands IT staff use, run as real processes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args, env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=120, env=env, check=False)


def test_version_is_the_one_in_pyproject():
    import tomllib

    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"InsideOut {expected}"


def test_help_lists_the_headless_commands():
    result = _run("--help")
    assert result.returncode == 0
    for word in ("self-test", "--data-dir", "--version"):
        assert word in result.stdout


def test_self_test_passes_and_leaves_nothing_behind(tmp_path):
    result = _run("self-test", env_extra={"TMPDIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    assert "[FAIL]" not in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_data_dir_flag_beats_the_environment(tmp_path):
    flagged = tmp_path / "from-flag"
    result = _run("--data-dir", str(flagged), "paths",
                  env_extra={"INSIDEOUT_DATA_DIR": str(tmp_path / "from-env")})
    assert str(flagged / "insideout.db") in result.stdout
    from_env = _run("paths", env_extra={"INSIDEOUT_DATA_DIR": str(tmp_path / "from-env")})
    assert str(tmp_path / "from-env" / "insideout.db") in from_env.stdout
