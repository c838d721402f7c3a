"""Browser tests: a real `homeward serve --demo` on loopback, driven by headless Chromium.

HOMEWARD_BIN names the built executable (default: .build/debug/homeward from the package root).
A failing test leaves a screenshot and the page's HTML in e2e/screenshots/.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "e2e" / "screenshots"
DEMO_PASSWORD = "homeward-demo-2026"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    binary = os.environ.get("HOMEWARD_BIN", str(ROOT / ".build" / "debug" / "homeward"))
    data = tempfile.mkdtemp(prefix="homeward-e2e-")
    port = free_port()
    log = open(pathlib.Path(data) / "server.log", "w")
    process = subprocess.Popen(
        [binary, "serve", "--demo", "--data-dir", data, "--port", str(port), "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            log.close()
            raise RuntimeError("homeward serve --demo did not start:\n" + (pathlib.Path(data) / "server.log").read_text())
        time.sleep(0.5)
    yield base
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def browser(request):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-GB"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.implicitly_wait(0)
    yield driver
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"{request.node.name}.png"))
        (SCREENSHOTS / f"{request.node.name}.html").write_text(driver.page_source)
    driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.report_call = report


class Operator:
    """One member of staff at the browser."""

    def __init__(self, driver, base):
        self.driver = driver
        self.base = base

    def open(self, path):
        self.driver.get(self.base + path)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def wait_for(self, css, timeout=15):
        return WebDriverWait(self.driver, timeout).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))

    def wait_until(self, condition, timeout=15):
        return WebDriverWait(self.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda driver: condition())

    def submit(self, css, timeout=60):
        """Submits a form with its button and waits for the page that follows."""
        button = self.find(css)
        button.click()
        self.wait_until_gone(button, timeout)

    def wait_until_gone(self, element, timeout=60):
        """Waits until the element's page has been replaced. Asked while the new page is arriving,
        chromedriver sometimes answers "does not belong to the document" rather than "stale" (the
        same news), and sometimes fails with an inspector error because the old page's context is
        being torn down: that is no answer yet, so it is asked again."""
        def gone(driver):
            try:
                element.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as error:
                message = error.msg or ""
                if "does not belong to the document" in message:
                    return True
                if "inspector error" in message or "Cannot find context" in message:
                    return False
                raise

        WebDriverWait(self.driver, timeout).until(gone)

    def search_and_open(self, query, name=None):
        """Types a query into the search box and opens the first result named `name` (or the first
        result), once the results for the whole query have arrived: they are replaced as one types."""
        self.open("/search")
        self.find("#q").send_keys(query)
        expected = "q=" + query.replace(" ", "+")

        def result():
            if expected not in self.driver.current_url:
                return None
            try:
                for link in self.all("a.person-link"):
                    if name is None or link.text == name:
                        return link.get_attribute("href")
            except StaleElementReferenceException:
                return None
            return None

        href = self.wait_until(result)
        self.driver.get(href)
        return self.wait_for("#person-name")

    def sign_in(self, username, password=DEMO_PASSWORD):
        self.open("/login")
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.find("#sign-in").click()
        self.wait_for("#signed-in-as")

    def sign_out(self):
        self.find("#sign-out").click()
        self.wait_for("#signin-form")


@pytest.fixture
def operator(browser, server):
    return Operator(browser, server)
