"""What an operator does in a day, in a real browser against the demo register."""
import re

from selenium.webdriver.support.ui import Select

# The demo register is made from a fixed seed, so this man is there on every machine.
LATIN_QUERY = "Mikhail Kovalenko 1969"
CYRILLIC_NAME = "Коваленко Михайло Іванович"


def test_registrar_finds_a_cyrillic_record_in_latin_adds_an_event_and_signs_out(operator):
    operator.sign_in("registrar")
    # Results come while typing, without pressing Enter.
    assert operator.search_and_open(LATIN_QUERY, CYRILLIC_NAME).text == CYRILLIC_NAME
    events_before = len(operator.all("#timeline tbody tr"))

    operator.find("#add-event").click()
    Select(operator.find("#kind")).select_by_value("health-report")
    operator.find("#date").send_keys("31.02.2025")
    operator.find("#note").send_keys("Seen by the ICRC delegate; wounded arm healing")
    operator.find("#save").click()
    # A date that does not exist is refused beside its field, and nothing typed is lost.
    assert operator.wait_for("#date-error").is_displayed()
    assert operator.find("#note").get_attribute("value") == "Seen by the ICRC delegate; wounded arm healing"
    assert operator.find("#date").get_attribute("value") == "31.02.2025"

    date = operator.find("#date")
    date.clear()
    date.send_keys("2025-02-28")
    operator.find("#save").click()
    operator.wait_for("#person-name")
    rows = operator.all("#timeline tbody tr")
    assert len(rows) == events_before + 1
    assert any("wounded arm healing" in row.text for row in rows)

    operator.sign_out()
    operator.open("/search")
    assert operator.wait_for("#signin-form")


def test_analyst_reviews_a_possible_duplicate_and_can_undo(operator):
    operator.sign_in("analyst")
    operator.open("/review")
    operator.find("a.pair-link").click()
    operator.wait_for("#evidence")
    # The matcher explains itself: one bar per field it weighed.
    assert len(operator.all("#evidence svg.evidence")) >= 5
    decided = operator.driver.current_url
    operator.find("#decide-link").click()
    # The next pair waits; the decided one is in the linked tab and can be undone.
    operator.wait_until(lambda: operator.driver.current_url != decided)
    operator.open(decided.replace(operator.base, ""))
    assert operator.wait_for("#undo-decision")
    operator.find("#undo-decision").click()
    assert operator.wait_for("#decide-link")


def test_viewer_reads_but_cannot_edit(operator):
    operator.sign_in("viewer")
    operator.search_and_open("Kovalenko")
    assert operator.all("#add-event") == []
    assert operator.all("#edit-person") == []
    person_path = operator.driver.current_url.replace(operator.base, "")
    operator.open(person_path + "/events/new")
    assert "not allow" in operator.find("h1").text
    operator.open("/review")
    assert "not allow" in operator.find("h1").text


def test_auditor_sees_the_log_and_checks_the_chain(operator):
    operator.sign_in("auditor")
    operator.open("/audit")
    assert len(operator.all("#audit-log tbody tr")) > 0
    operator.find("#verify-chain").click()
    assert "intact" in operator.wait_for("#audit-verification").text
    operator.open("/search")
    assert "not allow" in operator.find("h1").text


def test_the_language_is_the_users_choice(operator):
    operator.sign_in("liaison")
    operator.open("/dashboard")
    assert operator.find("html").get_attribute("lang") == "en"
    operator.find("header.top button.link").click()
    operator.wait_until(lambda: operator.find("html").get_attribute("lang") == "uk")
    assert "Огляд" in operator.find("h1").text
    statement = operator.find("#public-statement").text
    assert re.search(r"Понад [\d\s\u00a0\u202f]+ наших людей", statement), statement
