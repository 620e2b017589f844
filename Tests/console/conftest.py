"""Browser tests of the web console: headless Chromium (Debian's
`chromium` and `chromium-driver`) driven by selenium, against a server
started from the built binary (STRATA_BINARY). Screenshots of each main
view go to `build/console/` at the repository's root."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
pytest.register_assert_rewrite("helpers")

from helpers import StrataServer  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "console"


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*flags):
        server = StrataServer(tmp_path / f"data{len(servers)}", tmp_path / f"strata{len(servers)}.log", extra_args=tuple(flags))
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name):
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

    return take
