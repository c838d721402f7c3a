"""Lists from the command line, as an operator runs them: a Windows-1251 list from the adversary,
killed half-way through writing; PFIF checked against the schema; the Art. 122 batch."""
import os
import pathlib
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time

import pytest

from conftest import ROOT

SCHEMA = ROOT / "Tests" / "HomewardInteropTests" / "Fixtures" / "pfif-1.4.xsd"
SURNAMES = ["Иванов", "Петров", "Сидоренко", "Коваленко", "Шевчук", "Мельник", "Бондаренко", "Ткаченко", "Кравченко",
            "Олійник", "Шевченко", "Поліщук", "Лисенко", "Руденко", "Савченко", "Марченко", "Мороз", "Павленко"]
GIVEN = ["Александр", "Сергей", "Андрей", "Дмитрий", "Олег", "Николай", "Иван", "Виктор", "Юрий", "Максим"]
PATRONYMICS = ["Александрович", "Сергеевич", "Андреевич", "Николаевич", "Иванович", "Петрович", "Викторович"]
RANKS = ["рядовой", "сержант", "младший сержант", "лейтенант", "старший солдат"]


def adversary_list(path, rows, seed=7):
    """A list as the adversary's office sends it: Windows-1251, semicolons, Russian headers, CR LF."""
    generator = random.Random(seed)
    lines = ["№ п/п;ФИО;Дата рождения;Воинское звание;Личный номер;Войсковая часть;Дата пленения"]
    for number in range(1, rows + 1):
        name = f"{generator.choice(SURNAMES).upper()} {generator.choice(GIVEN)} {generator.choice(PATRONYMICS)}"
        born = f"{generator.randint(1, 28):02d}.{generator.randint(1, 12):02d}.{generator.randint(1965, 2004)}"
        service = f"{generator.choice('АБВГДЕ')}{generator.choice('АБВГДЕ')}{generator.randint(100000, 999999)}"
        captured = f"{generator.randint(1, 28):02d}.{generator.randint(1, 12):02d}.{generator.randint(2022, 2025)}"
        lines.append(f"{number};{name};{born};{generator.choice(RANKS)};{service};А{generator.randint(1000, 9999)};{captured}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


@pytest.fixture(scope="module")
def workspace():
    binary = os.environ.get("HOMEWARD_BIN", str(ROOT / ".build" / "debug" / "homeward"))
    folder = pathlib.Path(tempfile.mkdtemp(prefix="homeward-lists-"))
    subprocess.run(
        [binary, "demo", "--own", "300", "--adversary", "150", "--without-review", "--data-dir", str(folder / "register"),
         "--log-level", "warning"],
        check=True, capture_output=True)
    yield binary, folder
    shutil.rmtree(folder, ignore_errors=True)


def run(binary, *arguments):
    return subprocess.run([binary, *arguments, "--log-level", "warning"], capture_output=True, text=True)


def counts(database):
    with sqlite3.connect(database) as connection:
        return [connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("persons", "records", "record_links", "events", "sources", "list_imports",
                              "match_candidates")]


def test_killed_mid_import_leaves_the_register_as_it_was_and_the_list_imports_after(workspace):
    binary, folder = workspace
    register = folder / "register"
    listing = folder / "adversary-list.csv"
    adversary_list(listing, 12_000)
    before = counts(register / "homeward.sqlite")
    process = subprocess.Popen(
        [binary, "import", str(listing), "--source-kind", "adversary-list", "--data-dir", str(register),
         "--show-rows", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The importer says when it starts writing; kill it a moment later, mid-transaction.
    deadline = time.time() + 600
    for line in process.stderr:
        if "writing" in line:
            break
        assert time.time() < deadline, "the import never started writing"
    time.sleep(0.5)
    assert process.poll() is None, "the import finished before it could be killed; use a longer list"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert counts(register / "homeward.sqlite") == before

    result = run(binary, "import", str(listing), "--source-kind", "adversary-list", "--data-dir", str(register),
                 "--show-rows", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "windows-1251" in result.stdout and "semicolon-separated" in result.stdout
    assert "Imported 12000 records" in result.stdout
    after = counts(register / "homeward.sqlite")
    assert after[1] == before[1] + 12_000 and after[4] == before[4] + 1 and after[5] == 1

    again = run(binary, "import", str(listing), "--source-kind", "adversary-list", "--data-dir", str(register))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "imported already" in again.stdout and "nothing was added" in again.stdout
    assert counts(register / "homeward.sqlite") == after


def test_a_broken_file_is_refused_with_row_and_column_and_nothing_is_written(workspace):
    binary, folder = workspace
    register = folder / "register"
    before = counts(register / "homeward.sqlite")
    broken = folder / "broken.csv"
    broken.write_bytes("ПІБ;Дата народження\r\nКоваль Іван;01.02.1990\r\n\"Мельник Петро;1991\r\n".encode("utf-8"))
    result = run(binary, "import", str(broken), "--source-kind", "relative-application", "--data-dir", str(register))
    assert result.returncode != 0
    assert "row 3" in result.stderr and "quoted field is never closed" in result.stderr
    truncated = folder / "truncated.xlsx"
    truncated.write_bytes(b"PK\x03\x04" + bytes(200))
    result = run(binary, "import", str(truncated), "--source-kind", "open-source", "--data-dir", str(register))
    assert result.returncode != 0 and "truncated.xlsx: the XLSX file is cut short or damaged" in result.stderr
    assert counts(register / "homeward.sqlite") == before


def test_pfif_export_is_valid_against_the_schema(workspace):
    binary, folder = workspace
    for side in ("own", "adversary"):
        out = folder / f"pfif-{side}.xml"
        result = run(binary, "export", "pfif", "--affiliation", side, "--out", str(out), "--data-dir",
                     str(folder / "register"))
        assert result.returncode == 0, result.stdout + result.stderr
        check = subprocess.run(["xmllint", "--noout", "--schema", str(SCHEMA), str(out)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr[-2000:]


def test_the_article_122_batch_is_made_once_and_recorded_as_sent(workspace):
    binary, folder = workspace
    out = folder / "cta.csv"
    result = run(binary, "export", "cta", "--out", str(out), "--sent-to", "ICRC Central Tracing Agency",
                 "--data-dir", str(folder / "register"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Recorded as sent to ICRC Central Tracing Agency" in result.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("№ / No.,") and "Прізвище / Surname" in text
    again = run(binary, "export", "cta", "--out", str(folder / "cta2.csv"), "--data-dir", str(folder / "register"))
    assert "nothing was made" in again.stdout
