"""Lists through the browser, as a registrar receives them: a spreadsheet program's XLSX and an
adversary's Windows-1251 CSV uploaded, previewed, corrected and imported once; a capture card
opened to print."""
import pathlib
import tempfile

import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import SCREENSHOTS


def spreadsheet(path):
    """An ICRC-style list in English headers, dates as the spreadsheet's own date cells."""
    import datetime
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List"
    sheet.append(["No.", "Full name", "Date of birth", "Rank", "Service number", "Place of capture"])
    sheet.append([1, "HORBATIUK Mykola Petrovych", datetime.date(1991, 4, 12), "soldier", "UA-2211", "Kupiansk"])
    sheet.append([2, "KOVALENKO Andrii", datetime.date(1988, 11, 3), "sergeant", None, "Bakhmut"])
    sheet.append([3, "Zaiets Ivan Ivanovych", "1979", "", "", ""])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD.MM.YYYY"
    book.save(path)


def upload(operator, path, kind):
    operator.open("/imports")
    operator.find("#file").send_keys(str(path))
    Select(operator.find("#sourceKind")).select_by_value(kind)
    operator.find("#upload").click()
    # The preview matches the list against the whole demo register: slow in a debug build.
    return operator.wait_for("#adjust-form", timeout=300)


def test_an_xlsx_list_is_previewed_corrected_and_imported_once(operator):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="homeward-xlsx-"))
    path = folder / "icrc-list.xlsx"
    spreadsheet(path)
    operator.sign_in("registrar")
    upload(operator, path, "icrc-notification")
    assert "XLSX" in operator.find("#reading").text
    rows = operator.all("#import-rows tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows][:2] == [
        "HORBATIUK Mykola Petrovych", "KOVALENKO Andrii"]
    assert "1991-04-12" in rows[0].text
    # The place of capture is recognised as the event's place; the registrar keeps the rank out.
    place = Select(operator.find("select[name='column_5']"))
    assert place.first_selected_option.get_attribute("value") == "event-place"
    Select(operator.find("select[name='column_3']")).select_by_value("ignore")
    operator.submit("#read-again", timeout=300)
    operator.wait_for("#commit", timeout=300)
    assert Select(operator.find("select[name='column_3']")).first_selected_option.get_attribute("value") == "ignore"
    operator.find("#commit").click()
    summary = operator.wait_for("#import-summary", timeout=300).text
    assert "3 records imported" in summary

    upload(operator, path, "icrc-notification")
    assert operator.all("#already-imported")
    assert not operator.all("#commit")


def test_a_windows_1251_list_with_russian_headers_and_a_bad_row(operator):
    folder = pathlib.Path(tempfile.mkdtemp(prefix="homeward-cp1251-"))
    path = folder / "список.csv"
    text = ("ФИО;Дата рождения;Звание\r\n"
            "ГРИЦЕНКО Олег Викторович;12.03.1990;рядовой\r\n"
            ";01.01.1991;сержант\r\n")
    path.write_bytes(text.encode("cp1251"))
    operator.sign_in("registrar")
    upload(operator, path, "adversary-list")
    assert "windows-1251" in operator.find("#reading").text
    errors = operator.find("#import-errors").text
    assert "3" in errors and "the row has no name" in errors
    assert operator.all("#import-blocked")
    assert not operator.all("#commit")


def test_the_capture_card_opens_ready_to_print(operator):
    operator.sign_in("registrar")
    operator.open("/notifications/cta")
    link = operator.wait_for("#cta-persons tbody tr a[target='_blank']").get_attribute("href")
    operator.driver.get(link)
    body = operator.wait_for("body").text
    assert "центральне агентство у справах військовополонених" in body.lower()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    operator.driver.save_screenshot(str(SCREENSHOTS / "capture-card.png"))
