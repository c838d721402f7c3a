"""Families' notifications by e-mail: a real `homeward serve --smtp-url` delivering to a real SMTP
server (aiosmtpd) on loopback; what has no e-mail address waits in the outbox for staff."""
import email
import email.policy
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import http.cookiejar

import pytest
from aiosmtpd.controller import Controller

from conftest import DEMO_PASSWORD, ROOT, free_port


class Collector:
    """Keeps every message the SMTP server accepts, as parsed e-mail."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def smtp():
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, collector
    controller.stop()


def run(binary, *arguments):
    subprocess.run([binary, *arguments], check=True, capture_output=True, timeout=300)


def test_linked_inquiries_are_emailed_and_the_rest_wait_for_staff(smtp):
    controller, collector = smtp
    binary = os.environ.get("HOMEWARD_BIN", str(ROOT / ".build" / "debug" / "homeward"))
    data = tempfile.mkdtemp(prefix="homeward-smtp-")
    port = free_port()
    log_path = pathlib.Path(data) / "server.log"
    process = None
    try:
        # A small demo register: its families' inquiries are linked, and no one has been told yet.
        run(binary, "demo", "--data-dir", data, "--own", "80", "--adversary", "10", "--without-review")
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [
                    binary, "serve", "--data-dir", data, "--port", str(port), "--log-level", "warning",
                    "--smtp-url", f"smtp+plain://127.0.0.1:{controller.port}?from=bureau@homeward.example",
                    "--public-url", "https://homeward.example", "--outbox-interval", "1",
                    # urllib, unlike a browser, sends no Secure cookie back to plain http://127.0.0.1.
                    "--insecure-cookies",
                ],
                stdout=log, stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 120
            while len(collector.messages) < 5:
                assert process.poll() is None, log_path.read_text()
                assert time.time() < deadline, f"{len(collector.messages)} messages arrived:\n" + log_path.read_text()
                time.sleep(0.5)
            time.sleep(2)  # Let the sweep finish: every message it sends, it sends once.

            recipients = sorted(rcpt for _, rcpts, _ in collector.messages for rcpt in rcpts)
            assert len(recipients) == len(set(recipients)), "a family was e-mailed twice"
            assert all(re.fullmatch(r"family\d+@example\.org", r) for r in recipients), recipients
            sender, _, message = collector.messages[0]
            assert sender == "bureau@homeward.example"
            code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]", message["Subject"]).group(0)
            assert message["Subject"] == f"Ваш запит {code}: новини від бюро"
            body = message.get_content()
            assert "https://homeward.example/inquiries/status" in body
            assert "Шановні" in body
            # No source and no place: only the level and how to check it.
            assert "Список" not in body and "Авдіївка" not in body
            for _, _, sent in collector.messages:
                text = sent.get_content().lower()
                assert "загин" not in text and "died" not in text

            # The liaison's outbox holds only what could not be e-mailed: the telephone-only families.
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(base + "/login").read().decode()
            token = re.search(r'name="_signin" value="([^"]+)"', page).group(1)
            opener.open(base + "/login", urllib.parse.urlencode(
                {"_signin": token, "username": "liaison", "password": DEMO_PASSWORD}).encode())
            outbox = opener.open(base + "/outbox").read().decode()
            assert 'id="outbox-count"' in outbox
            pending = re.findall(r'class="message"', outbox)
            assert pending, "the telephone-only families should wait for staff"
            assert "@example.org" not in re.sub(r"<[^>]+>", " ", outbox.split('id="outbox-count"')[1])
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(data, ignore_errors=True)
