# The commands the README names. Each one sets up .venv first if it is missing or stale.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench server fuzz installer clean check-desktop-libs browser

# Shared libraries Qt needs on a Debian/Ubuntu desktop (the README lists the same).
QT_APT_PACKAGES := libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 \
	libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 \
	libfontconfig1 libdbus-1-3
# One library from each package above: a missing one stopped Qt with a cryptic abort.
QT_LIBS := libEGL.so.1 libGL.so.1 libxkbcommon-x11.so.0 libxcb-cursor.so.0 libxcb-icccm.so.4 \
	libxcb-keysyms.so.1 libxcb-shape.so.0 libxcb-randr.so.0 libxcb-render-util.so.0 \
	libxcb-image.so.0 libfontconfig.so.1 libdbus-1.so.3

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[app,server,dev]"
	touch $(STAMP)

check-desktop-libs:
	@missing=""; for lib in $(QT_LIBS); do \
	  /sbin/ldconfig -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Qt cannot open a window: missing$$missing"; \
	  echo "Install them with:  sudo apt-get install -y $(QT_APT_PACKAGES)"; exit 1; fi

run: $(STAMP) check-desktop-libs
	$(PY) main.py

# The console's browser tests (tests/console) drive Debian's chromium and chromedriver:
# installed here when missing and we are root, otherwise the line to type is printed
# (and those tests skip, unless INSIDEOUT_REQUIRE_BROWSER=1 as on CI).
BROWSER_APT_PACKAGES := chromium chromium-driver
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    $(BROWSER_APT_PACKAGES); \
	else echo "The console's browser tests need:  sudo apt-get install -y" \
	  "$(BROWSER_APT_PACKAGES)  (skipped without it)"; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint browser
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

server: $(STAMP)
	$(PY) -m sync.server serve --create  # a first start makes the database (docs/SERVER.md)

fuzz: $(STAMP)  # the schemathesis run over the server's OpenAPI (also part of make test)
	$(PY) -m pytest tests/server/test_fuzz.py -v

installer: $(STAMP)
	$(PY) -m pip install --quiet -e ".[app,installer]"
	$(PY) installer/build.py

# Build the Linux bundle and tarball, then run the frozen app (self-test, sign-in window
# offscreen, install.sh). INSIDEOUT_CHECK_INSTALLER=1 turns a skipped check into a failure.
.PHONY: installer-check
installer-check: installer
	INSIDEOUT_CHECK_INSTALLER=1 QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/installer -v -s

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
