"""A family's tracing request played through in the browser: filed on the public page as a mother
would (with a kinship document, a slip in the date and some hostile text), matched and linked by
the liaison, the person's status changed by a registrar, the notification worked through in the
outbox, and the family's status check by case code before and after; then the attacks the public
pages must withstand: guessing dates of birth for a code, cycling through codes, forged and robot
posts.

The status check allows 10 checks per address in 15 minutes, and every check of this module comes
from 127.0.0.1 to the one session's server: `STATUS_CHECKS` counts them, and the test of that limit
runs last."""
import datetime
import json
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ROOT, SCREENSHOTS

LOCALES = {
    code: json.loads((ROOT / "Sources" / "HomewardServer" / "Locales" / f"{code}.json").read_text(encoding="utf-8"))
    for code in ("en", "uk")
}
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_STORY = "Зник під Бахмутом 12.05.2023.</textarea><script>alert(2)</script>"
# Valid-looking (its check character is right) and never issued: eight times the alphabet's first letter.
UNKNOWN_CODE = "2222-2222-2"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
STATUS_CHECK_LIMIT = 10
STATUS_CHECKS = []
# A small but real PDF: the header the server tells PDFs by, one empty page, a cross-reference table.
KINSHIP_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)


def t(operator, key, **values):
    """A string of the locale the page is in, with its {placeholders} filled."""
    text = LOCALES[operator.find("html").get_attribute("lang")][key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def t_prefix(operator, key):
    """The part of a locale's string before its first placeholder."""
    return t(operator, key).split("{")[0]


def response_status(operator):
    """The HTTP status of the page the browser shows (of a form's answer too)."""
    return operator.driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus")


def assert_no_alert(operator):
    try:
        alert = operator.driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    raise AssertionError(f"a script ran and raised an alert: {text!r}")


def as_a_stranger(operator):
    """Forgets every cookie: the next page is seen as by someone who never came before."""
    operator.driver.delete_all_cookies()


def case_code(body):
    """A case code with its check character: Luhn mod 29 over the code's alphabet."""
    n = len(CODE_ALPHABET)
    factor, total = 2, 0
    for character in reversed(body):
        addend = factor * CODE_ALPHABET.index(character)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    code = body + CODE_ALPHABET[(n - total % n) % n]
    return f"{code[:4]}-{code[4:8]}-{code[8]}"


def identity(operator):
    """A person's page's identity table, by the labels of its rows."""
    return {
        row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
        for row in operator.all("table.identity tr")
    }


def pick_sought_person(operator):
    """One of our people of whom the register knows nothing yet, born on a day a mother can swap
    with its month (04.05 for 05.04); not the man the operators' test adds an event to."""
    operator.open("/search?affiliation=own&status=no-information")
    operator.wait_for("table.results")
    for row in operator.all("table.results tbody tr"):
        link = row.find_element(By.CSS_SELECTOR, "a.person-link")
        born = row.find_elements(By.TAG_NAME, "td")[1].text
        match = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", born)
        if match and int(match[3]) <= 12 and match[2] != match[3] and not link.text.startswith("Коваленко"):
            href = link.get_attribute("href")
            break
    else:
        raise AssertionError("no one in the demo register's first page of own people without information fits")
    operator.driver.get(href)
    operator.wait_for("#person-name")
    fields = identity(operator)
    year, month, day = match[1], match[2], match[3]
    return {
        "path": href.replace(operator.base, ""),
        "id": href.rstrip("/").split("/")[-1],
        "name": operator.find("#person-name").text,
        "surname": fields[t(operator, "field_surname")],
        "givenNames": fields[t(operator, "field_givenNames")],
        "born": f"{year}-{month}-{day}",
        # As typed by his mother: day and month the wrong way round.
        "bornAsTyped": f"{month}.{day}.{year}",
        # Old enough to be his mother.
        "motherBorn": f"{int(year) - 24}-03-14",
    }


def fill_inquiry(operator, sought, applicant, documents=(), story=None):
    """Fills the public inquiry form as a family does; does not send it."""
    operator.find("#sought-name-surname").send_keys(sought["surname"])
    operator.find("#sought-name-givenNames").send_keys(sought["givenNames"])
    if sought.get("bornAsTyped"):
        operator.find("#sought-dateOfBirth").send_keys(sought["bornAsTyped"])
    if story:
        operator.find("#sought-circumstances").send_keys(story)
    operator.find("#applicant-name-surname").send_keys(applicant["surname"])
    operator.find("#applicant-name-givenNames").send_keys(applicant["givenNames"])
    operator.find("#applicant-dateOfBirth").send_keys(applicant["born"])
    Select(operator.find("#applicant-relationship")).select_by_value(applicant.get("relationship", "mother"))
    operator.find("#applicant-phone").send_keys(applicant.get("phone", "+380 67 555 01 02"))
    attach(operator, documents)
    if not operator.find("#consent").is_selected():
        operator.find("#consent").click()


def attach(operator, documents):
    if documents:
        operator.find("#documents").send_keys("\n".join(str(path) for path in documents))


def file_inquiry(operator, sought, applicant, documents=(), story=None):
    """Files an inquiry from the public page without an account; returns its case code."""
    as_a_stranger(operator)
    operator.open("/inquiries/new")
    assert not operator.all("#signed-in-as")
    fill_inquiry(operator, sought, applicant, documents, story)
    operator.submit("#file-inquiry")
    code = operator.wait_for("#case-code").text
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]", code), code
    return code


def dotted(iso):
    """1962-03-08 as 08.03.1962."""
    return ".".join(reversed(iso.split("-")))


def check_status(operator, code, born):
    """The family's status check; returns the HTTP status of its answer."""
    operator.open("/inquiries/status")
    operator.find("#caseCode").send_keys(code)
    operator.find("#dateOfBirth").send_keys(born)
    STATUS_CHECKS.append(code)
    operator.submit("#check-status")
    return response_status(operator)


def waiting_count(operator):
    """How many inquiries wait for a link, as the liaison's queue says (the liaison is signed in)."""
    operator.open("/inquiries?show=waiting")
    text = operator.find("#inquiry-count").text
    return int(re.sub(r"\D", "", text))


def open_inquiry(operator, code):
    """Opens the inquiry with this code from the liaison's queue of those waiting for a link."""
    operator.open("/inquiries?show=waiting")
    links = [a for a in operator.all("#inquiries tbody a") if a.text == code]
    assert len(links) == 1, f"{code} is not in the queue once"
    links[0].click()
    assert operator.wait_for("#inquiry-code").text == code


def messages_about(operator, code):
    """The outbox's pending messages whose subject names the case code."""
    operator.open("/outbox")
    operator.wait_for("#outbox-count")
    return [m for m in operator.all("article.message") if code in m.find_element(By.TAG_NAME, "h2").text]


def test_a_mother_asks_a_liaison_links_the_status_changes_and_she_is_told(operator, tmp_path):
    # The man she looks for, as the register has him.
    operator.sign_in("registrar")
    son = pick_sought_person(operator)
    mother = {"surname": son["surname"], "givenNames": HOSTILE_NAME, "born": son["motherBorn"]}

    # Her first try carries a web page named like a certificate: refused beside the file input,
    # and everything she typed is still there, as text.
    fake = tmp_path / "fake" / "<img src=x onerror=alert(4)>.pdf"
    fake.parent.mkdir()
    fake.write_bytes(b"<html><body><script>alert(5)</script></body></html>")
    real = tmp_path / "real" / "свідоцтво про народження.pdf"
    real.parent.mkdir()
    real.write_bytes(KINSHIP_PDF)
    as_a_stranger(operator)
    operator.open("/inquiries/new")
    # What the bureau writes to her is in the language she filed in.
    her_language = operator.find("html").get_attribute("lang")
    assert not operator.find("#website").is_displayed()
    fill_inquiry(operator, son, mother, [fake], story=HOSTILE_STORY)
    operator.submit("#file-inquiry")
    assert response_status(operator) == 422
    assert_no_alert(operator)
    assert fake.name in operator.find("#documents-error").text
    assert operator.find("#applicant-name-givenNames").get_attribute("value") == HOSTILE_NAME
    assert operator.find("#sought-circumstances").get_attribute("value") == HOSTILE_STORY
    assert operator.find("#sought-dateOfBirth").get_attribute("value") == son["bornAsTyped"]
    assert operator.find("#consent").is_selected()
    assert not operator.all("#inquiry-form img, #inquiry-form script, #documents-error *")

    # With the real certificate the inquiry is filed, and she is given her case code.
    attach(operator, [real])
    operator.submit("#file-inquiry")
    code = operator.wait_for("#case-code").text
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]", code), code
    assert_no_alert(operator)
    operator.driver.save_screenshot(str(SCREENSHOTS / "inquiry-filed.png"))

    # Her first check: the inquiry waits for a liaison, so the person is not in the register yet.
    # She types her date of birth another way than she did on the form.
    as_a_stranger(operator)
    assert check_status(operator, code, dotted(son["motherBorn"])) == 200
    assert operator.find("#status-level").text == t(operator, "answer_level_not-in-register")
    assert operator.find("#status-explanation").text == t(operator, "answer_level_not-in-register_explain")
    assert not operator.all("#status-error")

    # The liaison finds it in the queue; the matcher puts her son among the candidates although
    # she swapped the day and the month; her name and story are shown as she typed them, as text.
    operator.sign_in("liaison")
    open_inquiry(operator, code)
    assert_no_alert(operator)
    source = operator.driver.page_source
    assert "&lt;img src=x onerror=alert(1)&gt;" in source
    assert "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in source
    assert HOSTILE_NAME in operator.find("#inquiry-applicant").text
    assert HOSTILE_STORY in operator.find("#inquiry-sought").text
    assert not operator.all("#inquiry-applicant img, #inquiry-sought img, #inquiry-sought script")
    documents = operator.all("#inquiry-documents li")
    assert len(documents) == 1 and real.name in documents[0].text and "application/pdf" in documents[0].text
    # The certificate comes back as it was sent, as a download under a name of the server's making.
    download = urllib.request.Request(
        documents[0].find_element(By.TAG_NAME, "a").get_attribute("href"),
        headers={"Cookie": f"homeward_session={operator.driver.get_cookie('homeward_session')['value']}"})
    with urllib.request.urlopen(download) as answer:
        assert answer.read() == KINSHIP_PDF
        assert answer.headers["Content-Type"] == "application/pdf"
        assert re.fullmatch(r'attachment; filename="document-[0-9A-F]{8}\.pdf"', answer.headers["Content-Disposition"])
        assert "sandbox" in answer.headers["Content-Security-Policy"]
    candidate = operator.find(f"#candidate-{son['id']}")
    assert candidate.get_attribute("name") == "personId"
    operator.driver.save_screenshot(str(SCREENSHOTS / "inquiry-candidates.png"))
    assert operator.find("#level-owed").text == t(operator, "answer_level_not-in-register")
    candidate.click()
    operator.submit("#link")
    linked = operator.wait_for("#linked-person")
    assert son["name"] in linked.text
    assert linked.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(son["path"])
    assert operator.find("#level-owed").text == t(operator, "answer_level_no-information")
    inquiry = operator.driver.current_url.replace(operator.base, "")
    # Linked, it has left the queue of those waiting for the list of those linked.
    operator.open("/inquiries?show=waiting")
    assert code not in operator.find("main").text
    operator.open("/inquiries?show=linked")
    assert code in operator.find("#inquiries").text
    operator.sign_out()

    # A registrar records the ICRC's confirmation of his captivity.
    operator.sign_in("registrar")
    operator.open(son["path"] + "/events/new")
    Select(operator.find("#kind")).select_by_value("captivity-confirmed")
    Select(operator.find("#credibility")).select_by_value("1")
    yesterday = datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=1)
    operator.find("#date").send_keys(yesterday.isoformat())
    operator.find("#note").send_keys("ICRC confirmation, e2e")
    operator.submit("#save")
    assert operator.wait_for("#person-name").text == son["name"]
    assert operator.find("#person-status").text == t(operator, "status_captivity-confirmed")
    operator.sign_out()

    # The liaison's outbox holds the news for her, by telephone: she gave no e-mail address.
    operator.sign_in("liaison")
    pending = messages_about(operator, code)
    # One piece of news: the confirmation withdrew the message the link had queued, unsent, so she
    # is not rung twice with news already overtaken.
    levels = [m.find_element(By.CSS_SELECTOR, "p.muted").text.split(" · ")[1] for m in pending]
    assert levels == [t(operator, "answer_level_captivity-confirmed")], levels
    newest = pending[-1]
    operator.driver.execute_script("arguments[0].scrollIntoView()", newest)
    assert newest.find_element(By.TAG_NAME, "h2").text == LOCALES[her_language]["notify_subject"].replace("{code}", code)
    assert "+380 67 555 01 02" in newest.find_element(By.CSS_SELECTOR, "p.muted").text
    # Written in her language, in the words a family may be given; her name as text.
    body = newest.find_element(By.CSS_SELECTOR, "pre.message-body").text
    assert LOCALES[her_language]["answer_level_captivity-confirmed_explain"] in body
    assert HOSTILE_NAME in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in operator.driver.page_source
    assert_no_alert(operator)
    operator.driver.save_screenshot(str(SCREENSHOTS / "inquiry-outbox.png"))
    # She is rung; each message is marked sent and leaves the pending list.
    while pending:
        message = pending[0]
        Select(message.find_element(By.CSS_SELECTOR, "select[name=via]")).select_by_value("telephone")
        button = message.find_element(By.CSS_SELECTOR, "form.mark-sent button")
        button.click()
        operator.wait_until_gone(button)
        assert operator.driver.current_url == operator.base + "/outbox"
        assert not operator.all("#outbox-error")
        left = messages_about(operator, code)
        assert len(left) == len(pending) - 1
        pending = left
    operator.open(inquiry)
    assert operator.find("#level-owed").text == t(operator, "answer_level_captivity-confirmed")
    assert operator.find("#level-told").text == t(operator, "answer_level_captivity-confirmed")
    answers = [row.text for row in operator.all("#answers tbody tr")]
    assert any(
        t(operator, "answer_level_captivity-confirmed") in row and t(operator, "answer_channel_telephone") in row
        for row in answers), answers
    operator.sign_out()

    # Her next check gives the news.
    as_a_stranger(operator)
    assert check_status(operator, code, son["motherBorn"]) == 200
    assert operator.find("#status-level").text == t(operator, "answer_level_captivity-confirmed")
    assert operator.find("#status-explanation").text == t(operator, "answer_level_captivity-confirmed_explain")
    operator.driver.save_screenshot(str(SCREENSHOTS / "inquiry-status.png"))


def test_dates_of_birth_cannot_be_guessed_for_a_case_code(operator):
    """Five wrong dates for a real code are answered exactly as an unknown code is; after them
    even the right date is refused, whoever asks."""
    born = "1958-11-23"
    code = file_inquiry(
        operator, {"surname": "Дмитренко", "givenNames": "Остап"},
        {"surname": "Дмитренко", "givenNames": "Ганна", "born": born})

    as_a_stranger(operator)
    errors = []
    for wrong in ("1958-11-22", "1958-11-24", "1957-11-23", "23.12.1958", "1958"):
        assert check_status(operator, code, wrong) == 404
        assert not operator.all("#status-answer")
        errors.append(operator.find("#status-error").text)
    assert errors == [t(operator, "inquiry_status_not_found")] * 5

    # A code no one was given, with the right date: the very same answer.
    assert check_status(operator, UNKNOWN_CODE, born) == 404
    assert not operator.all("#status-answer")
    assert operator.find("#status-error").text == errors[0]

    # The right date now is refused, from a browser never seen before.
    as_a_stranger(operator)
    assert check_status(operator, code, born) == 429
    assert operator.find("h1").text.startswith(t_prefix(operator, "inquiry_too_many"))
    assert not operator.all("#status-answer")


def test_forged_and_robot_posts_file_nothing(operator, server):
    operator.sign_in("liaison")
    before = waiting_count(operator)

    # Posted by a program or another site, without the form's cookie, or with a token that is not
    # the cookie's: refused, and nothing is stored.
    fields = {
        "sought.name.surname": "Підробленко", "sought.name.givenNames": "Іван",
        "applicant.name.surname": "Підробленко", "applicant.name.givenNames": "Марія",
        "applicant.dateOfBirth": "1950-01-01", "applicant.relationship": "mother",
        "applicant.phone": "+380 50 000 00 00", "consent": "yes",
    }
    token = secrets.token_hex(32)
    for form, cookie in (({}, None), ({"_form": token}, None), ({"_form": token}, secrets.token_hex(32))):
        request = urllib.request.Request(
            server + "/inquiries/new", data=urllib.parse.urlencode({**fields, **form}).encode(),
            headers={"Accept-Language": "en-GB", **({"Cookie": f"homeward_form={cookie}"} if cookie else {})})
        try:
            with urllib.request.urlopen(request) as answer:
                status = answer.status
        except urllib.error.HTTPError as refusal:
            status = refusal.code
            assert 'id="case-code"' not in refusal.read().decode()
        assert status == 403, (form, cookie)

    # A robot fills every field, the hidden one too: it is thanked, given no code, and nothing is stored.
    as_a_stranger(operator)
    operator.open("/inquiries/new")
    fill_inquiry(
        operator, {"surname": "Роботенко", "givenNames": "Бот"},
        {"surname": "Роботенко", "givenNames": "Бот", "born": "1970-01-01"})
    operator.driver.execute_script("document.getElementById('website').value = 'https://spam.example'")
    operator.submit("#file-inquiry")
    assert operator.find("h1").text == t(operator, "inquiry_filed_title")
    assert not operator.all("#case-code")

    operator.sign_in("liaison")
    assert waiting_count(operator) == before
    operator.open("/inquiries?show=all")
    everything = operator.find("#inquiries").text
    assert "Підробленко" not in everything and "Роботенко" not in everything


def test_an_address_cycling_through_case_codes_is_stopped(operator):
    """Runs last: it spends what is left of 127.0.0.1's status checks for a quarter of an hour."""
    as_a_stranger(operator)
    while len(STATUS_CHECKS) < STATUS_CHECK_LIMIT:
        code = case_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(8)))
        assert check_status(operator, code, "1960-01-01") == 404, code
        assert operator.find("#status-error").text == t(operator, "inquiry_status_not_found")
    # The eleventh check in the window is refused before it is read, whatever it asks.
    assert check_status(operator, UNKNOWN_CODE, "1960-01-01") == 429
    assert operator.find("h1").text.startswith(t_prefix(operator, "inquiry_too_many"))
