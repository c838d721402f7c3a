"""What an operator does in a day, in a real browser against the demo register."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import SCREENSHOTS

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


def test_a_pair_read_with_the_others_says_what_it_scored_alone(operator):
    """The queue marks pairs that a third record raised or a rival lowered; the pair's page says
    why, naming the record, and no such notice stands above a pair it did not change."""
    operator.sign_in("analyst")
    operator.open("/review")
    for _ in range(10):
        marked = [row for row in operator.all("#review-queue tbody tr") if row.find_elements(By.CSS_SELECTOR, ".read-together")]
        if marked:
            break
        following = [link for link in operator.all("main a") if link.get_attribute("href") and "offset=" in link.get_attribute("href")]
        assert following, "no pair of the demo register was changed by reading the pairs together"
        following[-1].click()
        operator.wait_until_gone(following[-1])
    row = marked[0]
    probability = row.find_elements(By.CSS_SELECTOR, "td")[2].text
    alone = re.search(r"\(alone: (\d+) %\)", probability)
    assert alone, probability
    assert not probability.startswith(alone.group(1) + " %"), "the mark stands beside a pair it did not change"
    row.find_element(By.CSS_SELECTOR, "a.pair-link").click()
    notice = operator.wait_for("#pair-context").text
    assert notice.startswith(f"Scored alone: {alone.group(1)} %."), notice
    assert "«" in notice and "»" in notice
    operator.driver.save_screenshot(str(SCREENSHOTS / "review-pair-context.png"))


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
