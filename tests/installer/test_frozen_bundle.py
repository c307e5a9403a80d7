"""The built Linux bundle and tarball really work. Run by `make installer-check`.

Skipped unless INSIDEOUT_CHECK_INSTALLER=1; with it set, a missing bundle is a failure
(as INSIDEOUT_REQUIRE_POSTGRES does for the server tests), so CI cannot pass by skipping.
"""

import json
import os
import subprocess
import sys
import tarfile
import time

import pytest

from installer import layout

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="the Windows build is checked by hand"),
]
PASSPHRASE = "custody suite kettle 42"


@pytest.fixture(scope="module")
def bundle():
    app = layout.app_dir()
    if os.environ.get("INSIDEOUT_CHECK_INSTALLER") != "1":
        pytest.skip("set INSIDEOUT_CHECK_INSTALLER=1 (make installer-check) to test the build")
    if not (app / layout.CLI_EXE).exists():
        pytest.fail(f"no built bundle at {app}: run `make installer` first")
    return app


def run_frozen(exe, *args, env_extra=None, timeout=120):
    # The frozen app must not lean on the venv: no PYTHONPATH, and a neutral cwd.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update({"QT_QPA_PLATFORM": "offscreen", **(env_extra or {})})
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env,
                          cwd=exe.parent.parent, timeout=timeout, check=False)


def device_with_a_worker(data_dir):
    """A set-up device, made with the venv's Python: the frozen app has no CLI for it."""
    import main
    from app.config import resolve_paths
    from app.store.keys import KdfParams

    paths = resolve_paths(data_dir)
    device = main.build_device_service(paths, kdf=KdfParams.fast_for_tests())
    device.set_up_standalone(full_name="Jo Bloggs", username="jo", passphrase=PASSPHRASE,
                             confirmation=PASSPHRASE).close()
    return paths.data_dir


def assert_window_shown(result, title):
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("shown-at "), result.stdout + result.stderr
    assert title in result.stdout, result.stdout


def test_cli_version_is_the_one_in_pyproject(bundle):
    result = run_frozen(bundle / layout.CLI_EXE, "--version")
    assert result.stdout.strip() == f"InsideOut {layout.project_version()}", result.stderr


def test_frozen_self_test_passes(bundle, tmp_path):
    started = time.monotonic()
    result = run_frozen(bundle / layout.CLI_EXE, "self-test", env_extra={"TMPDIR": str(tmp_path)})
    print(f"frozen self-test took {time.monotonic() - started:.2f} s")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout and "[FAIL]" not in result.stdout
    assert list(tmp_path.iterdir()) == []  # the throwaway store is gone


def test_sign_in_window_opens_offscreen(bundle, tmp_path):
    data_dir = device_with_a_worker(tmp_path / "device")
    result = run_frozen(bundle / layout.GUI_EXE, "--data-dir", str(data_dir),
                        env_extra={"INSIDEOUT_EXIT_WHEN_SHOWN": "1"})
    assert_window_shown(result, "InsideOut — sign in")


def test_first_run_window_opens_offscreen_on_an_empty_laptop(bundle, tmp_path):
    result = run_frozen(bundle / layout.GUI_EXE, "--data-dir", str(tmp_path / "new"),
                        env_extra={"INSIDEOUT_EXIT_WHEN_SHOWN": "1"})
    assert_window_shown(result, "InsideOut — set up this laptop")


def test_the_bundle_holds_what_the_app_loads_from_files(bundle):
    internal = bundle / "_internal"
    assert (internal / "resources" / "style.qss").exists()
    assert list((internal / "resources" / "valuesets").glob("*.json"))
    assert list((internal / "app" / "store" / "migrations" / "versions").glob("0001_*.py"))
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqoffscreen.so", "platforms/libqxcb.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        assert (plugins / plugin).exists(), plugin
    assert list(internal.glob("sqlcipher3/_sqlite3*.so"))


@pytest.fixture(scope="module")
def unpacked(bundle, tmp_path_factory):
    tarball = layout.DIST_DIR / layout.tarball_name(layout.project_version())
    assert tarball.exists(), f"{tarball} was not built"
    target = tmp_path_factory.mktemp("tarball")
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="tar")
    top = target / f"InsideOut-{layout.project_version()}"
    assert top.is_dir()
    return top


def test_the_tarball_holds_the_app_desktop_entry_and_icons(unpacked):
    for name in (*layout.produced_in_app_dir(windows=False), "insideout.desktop", "install.sh"):
        assert (unpacked / name).exists(), name
    assert os.access(unpacked / layout.GUI_EXE, os.X_OK)


def test_install_sh_installs_preconfigured_and_uninstalls(unpacked, tmp_path):
    root = tmp_path / "root"
    install = [str(unpacked / "install.sh"), "--destdir", str(root)]
    subprocess.run([*install, "--server-url", "https://sync.example.org"], check=True,
                   capture_output=True)
    app = root / "opt" / "insideout"
    defaults = app / "insideout-defaults.json"
    assert json.loads(defaults.read_text()) == {"server_url": "https://sync.example.org"}
    assert (root / "usr/share/applications/insideout.desktop").exists()
    assert (root / "usr/share/icons/hicolor/256x256/apps/insideout.png").exists()
    assert run_frozen(app / layout.CLI_EXE, "self-test").returncode == 0

    # The frozen app reads the defaults beside its executable: a broken file is noticed.
    defaults.write_text("[]")
    broken = run_frozen(app / layout.GUI_EXE, "--data-dir", str(tmp_path / "d"),
                        env_extra={"INSIDEOUT_EXIT_WHEN_SHOWN": "1"})
    assert broken.returncode != 0 and "expected a JSON object" in broken.stderr

    data = root / "home" / "jo" / ".local" / "share" / "InsideOut"
    data.mkdir(parents=True)
    subprocess.run([*install, "--uninstall", "--wipe-data"], check=True, capture_output=True)
    assert not app.exists() and not data.exists()
