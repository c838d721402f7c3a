"""An exchange played through by a negotiator in the browser: a negotiation opened, lists planned
and put forward, changed in a second round, agreed, the day recorded with one refusal, and the
figures read before and after."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import SCREENSHOTS


def figures(operator):
    """(returned, exchanges, still held) as the exchanges page states them."""
    operator.open("/exchanges")
    text = operator.find("#exchange-figures").text
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]
    assert len(numbers) == 3, text
    return tuple(numbers)


def test_a_negotiation_from_first_list_to_the_day(operator):
    operator.sign_in("negotiator")
    returned, exchanges, held = figures(operator)
    assert returned > 0 and exchanges > 0 and held > 0
    # The demo's past exchanges and the one under negotiation are listed.
    table = operator.find("#exchanges").text
    assert "Negotiating" in table and "Completed" in table

    # A new negotiation: three for three.
    operator.find("#title").send_keys("Обмін e2e")
    Select(operator.find("#counterparty")).select_by_visible_text("Російська Федерація")
    Select(operator.find("#preset")).select_by_value("all-for-all")
    operator.find("#limit").send_keys("3")
    operator.submit("#create-exchange")
    assert operator.find("#exchange-title").text == "Обмін e2e"
    assert "at most 3 of ours" in operator.find("#exchange-formula").text
    exchange = operator.driver.current_url

    # Round 1: the planner proposes, with a reason for everyone; we put its lists forward.
    operator.find("#plan-link").click()
    summary = operator.wait_for("#plan-summary").text
    assert summary.startswith("3 of ours come home for 3 of theirs"), summary
    reasons = [row.find_elements(By.TAG_NAME, "td")[3].text for row in operator.all("#plan-returning tbody tr")]
    assert len(reasons) == 3 and all(reasons), reasons
    operator.driver.save_screenshot(str(SCREENSHOTS / "exchange-plan.png"))
    operator.submit("#adopt")
    ours_round1 = [row.text for row in operator.all("#list-ours tbody tr")]
    assert len(ours_round1) == 3 and len(operator.all("#list-theirs tbody tr")) == 3

    # Round 2: the counterparty strikes one of ours and we add another held man.
    operator.submit("#open-round")
    assert operator.find("#exchange-round").text == "2"
    operator.find("#edit-ours").click()
    operator.wait_for("#list-form")
    operator.find("#q").send_keys("Коваленко")
    operator.submit("#find")
    found = operator.all("#found input[type=checkbox]")
    assert found, "no held Коваленко in the demo register"
    found[0].click()
    current = operator.all("#current input[type=checkbox]")
    current[-1].click()
    Select(operator.find("#proposedBy")).select_by_value("them")
    operator.find("#note").send_keys("Контрпропозиція посередника")
    operator.submit("#save-list")
    history = operator.find("#exchange-history").text
    assert "Round 2: Our people we ask for, version 2 by the counterparty: 3 persons" in history
    assert "+ " in history and "− " in history
    assert "Контрпропозиція посередника" in history

    # Agreed, the lists freeze.
    operator.submit("#agree")
    assert operator.find("#exchange-state").text == "Agreed"
    assert not operator.all("#edit-ours")

    # The day: everyone handed over except one of theirs, who refuses to go.
    operator.find("#day-link").click()
    operator.wait_for("#day-form")
    rows = operator.all("#day-form tr[data-person]")
    assert len(rows) == 6
    for index, row in enumerate(rows):
        choice = "refused" if index == len(rows) - 1 else "handed-over"
        row.find_element(By.CSS_SELECTOR, f"input[value='{choice}']").click()
    rows[-1].find_element(By.CSS_SELECTOR, "input[type=text]").send_keys("Відмовився від репатріації (ст. 109)")
    operator.submit("#close-exchange")
    assert operator.driver.current_url == exchange
    assert operator.find("#exchange-state").text == "Completed"
    assert operator.find("#exchange-tally").text == "Returned 3; handed over 2; refused 1; not handed over 0."

    # Every figure follows.
    assert figures(operator) == (returned + 3, exchanges + 1, held - 3)
    operator.open(exchange.replace(operator.base, "") + "/report")
    report = operator.wait_for("#exchange-report").text
    assert "Відмовився від репатріації (ст. 109)" in report
    assert operator.find("#exchange-report h1").text == "Exchange report: Обмін e2e"
    # Printed, the report is the record alone: no navigation, no forms.
    operator.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not operator.find("header.top").is_displayed()
    assert operator.find("#exchange-report").is_displayed()
    operator.driver.save_screenshot(str(SCREENSHOTS / "exchange-report.png"))
    operator.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # The one who refused stays in the fund, no longer exchangeable, and says why.
    operator.open("/exchange-fund?show=excluded")
    assert "Refuses repatriation" in operator.find("#fund").text


def test_exchanges_are_for_negotiators_only(operator):
    operator.sign_in("registrar")
    operator.open("/exchanges")
    assert "Your role does not allow this page" in operator.find("h1").text
    assert not operator.all("a[href='/exchanges']")
