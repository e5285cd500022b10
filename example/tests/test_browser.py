"""The example in a real browser (Debian's headless Chromium) via the local server.

``python -m apig_wsgi serve`` turns each browser request into the event of the
chosen front and calls the real Lambda handler, so this checks what a person
would see behind that front: the page renders, the image decodes, the cookies
are stored and the form posts, and through the streaming Function URL the
server-sent events arrive one by one. A screenshot of each run goes to
test-artifacts/.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARTIFACTS_DIR
from conftest import EXAMPLE_DIR
from conftest import TEST_SECRET_KEY
from example_site.events import EVENT_INTERVAL
from fronts import IMAGE
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Flags for a machine without a display or network; see the README.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,1400",
)

# The local server's formats, their stage, and the URL path of the site root
# (a REST API serves its stage under /<stage>/, as on AWS).
# Each format's stage; the server prints its URL with the stage included.
FORMATS = {
    "rest": "live",
    "http-v2": None,
}


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run scripts/install-chromium.sh (tox does).")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    # A click that submits a form returns before the next page has loaded.
    driver.implicitly_wait(10)
    try:
        yield driver
    finally:
        driver.quit()


def start_server(
    format: str, stage: str | None, handler: str = "lambda_handler"
) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-m",
        "apig_wsgi",
        "serve",
        f"apig_wsgi.contrib.django.handler:{handler}",
        "--format",
        format,
        "--port",
        "0",
        "--binary-media-types",
        "*/*",
    ]
    if stage is not None:
        command += ["--stage", stage]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="example_site.settings",
        DJANGO_SECRET_KEY=TEST_SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # The database and static files conftest prepared.
        DJANGO_STATIC_ROOT=os.environ["DJANGO_STATIC_ROOT"],
        # The local server speaks plain HTTP.
        DJANGO_SECURE_COOKIES="false",
    )
    process = subprocess.Popen(
        command, cwd=EXAMPLE_DIR, env=env, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    # The warm-up logs a line first; the server then says where it listens.
    first_line = ""
    for first_line in process.stderr:
        if first_line.startswith("Serving "):
            break
    # The URL includes the stage, as API Gateway's would.
    match = re.search(r" on (http://127\.0\.0\.1:\d+/\S*)$", first_line.strip())
    if match is None:
        process.kill()
        process.wait()
        process.stderr.close()
        pytest.fail(f"The local server did not start: {first_line}")
    return process, match.group(1)


@pytest.fixture(params=["rest", "http-v2"])
def site(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    format = request.param
    process, url = start_server(format, FORMATS[format])
    try:
        yield format, url
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()


def test_browser_renders_pages_stores_cookies_and_posts_form(
    browser: webdriver.Chrome, site: tuple[str, str], tmp_path: Path
) -> None:
    format, root_url = site

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    browser.get(root_url)
    browser.save_screenshot(str(ARTIFACTS_DIR / f"example-{format}-index.png"))
    assert browser.find_element(By.TAG_NAME, "h1").text == (
        "The request as Django saw it"
    )
    expected_format = format
    assert browser.find_element(By.ID, "event-format").text == expected_format
    assert browser.execute_script(
        "const logo = document.getElementById('logo');"
        "return logo.complete && logo.naturalWidth === 64 && logo.naturalHeight === 64;"
    )

    browser.find_element(By.LINK_TEXT, "Cookies").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Two cookies"
    cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
    assert cookies == {"flavour": "oatmeal-raisin", "theme": "dark"}
    browser.refresh()
    received = browser.find_element(By.ID, "received").text.splitlines()
    assert sorted(received) == ["flavour", "theme"]

    browser.find_element(By.LINK_TEXT, "Upload form").click()
    attachment = tmp_path / "logo.png"
    shutil.copyfile(IMAGE, attachment)
    browser.find_element(By.NAME, "name").send_keys("Ada")
    browser.find_element(By.NAME, "attachment").send_keys(str(attachment))
    browser.find_element(By.ID, "submit").click()

    assert browser.find_element(By.ID, "result-name").text == "Ada"
    assert browser.find_element(By.ID, "result-filename").text == "logo.png"
    assert browser.find_element(By.ID, "result-sha256").text == (
        hashlib.sha256(IMAGE.read_bytes()).hexdigest()
    )
    assert browser.save_screenshot(str(ARTIFACTS_DIR / f"example-{format}-upload.png"))


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "buffered"])
def test_browser_receives_the_events_as_they_are_sent(
    browser: webdriver.Chrome, streamed: bool
) -> None:
    # The handler of the site stack streams the Function URL's responses;
    # lambda_handler buffers them, as every front but the Function URL does.
    handler = "streaming_handler" if streamed else "lambda_handler"
    process, root_url = start_server("function-url", None, handler)
    try:
        browser.get(root_url + "events/")
        WebDriverWait(browser, 20).until(
            lambda driver: driver.find_element(By.ID, "status").text == "done"
        )
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS_DIR / f"example-events-{handler}.png"))
        items = browser.find_elements(By.CLASS_NAME, "event")
        times = [
            (
                float(item.get_attribute("data-sent-at") or "nan"),
                float(item.get_attribute("data-received-at") or "nan"),
            )
            for item in items
        ]
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stderr is not None
        process.stderr.close()

    assert len(times) == 5
    first_received = times[0][1]
    last_sent = times[-1][0]
    # Streamed, the page showed the first event well before the view sent the
    # last; buffered, only once the view was done.
    assert (first_received < last_sent - EVENT_INTERVAL) is streamed
