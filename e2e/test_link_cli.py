"""`homeward link` as the benchmark and an analyst run it: one man written five ways among four hundred
others, his brother beside him, a new list linked against a register, an explanation asked for, and the
requests it must refuse before any work is done."""
import csv
import os
import pathlib
import random
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import ROOT

SURNAMES = ["Коваленко", "Шевчук", "Мельник", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевченко", "Поліщук",
            "Лисенко", "Руденко", "Савченко", "Марченко", "Мороз", "Павленко", "Гончаренко", "Литвиненко", "Кузьменко"]
GIVEN = ["Андрій", "Сергій", "Дмитро", "Олег", "Микола", "Іван", "Віктор", "Юрій", "Максим", "Богдан", "Тарас", "Роман"]
PATRONYMICS = ["Андрійович", "Сергійович", "Миколайович", "Іванович", "Петрович", "Вікторович", "Романович"]
PLACES = ["Київ", "Харків", "Одеса", "Львів", "Полтава", "Суми", "Чернігів", "Вінниця", "Житомир", "Черкаси"]
COLUMNS = ["record_id", "person_id", "surname", "given_name", "patronymic", "dob", "place_of_birth", "service_no", "unit"]

# One man: his mother's application, the adversary's list in Russian (day and month swapped, the
# city's old name), an ICRC list in Latin, a returnee who knew him as Сашко. Then his brother, who
# shares surname, patronymic and birthplace. All five carry one person_id, which must never be read:
# were it read, the brothers would be one man.
THE_MAN = [
    ("m1", "Гордієнко", "Олександр", "Петрович", "1991-04-12", "Кропивницький"),
    ("m2", "Гордиенко", "Александр", "Петрович", "1991-12-04", "Кировоград"),
    ("m3", "Hordiienko", "Oleksandr", "Petrovych", "1991-04-12", "Kropyvnytskyi"),
    ("m4", "Гордієнко", "Сашко", "", "1991", ""),
]
HIS_BROTHER = ("b1", "Гордієнко", "Микола", "Петрович", "1994-02-03", "Кропивницький")


def write_list(path, records):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(records)


def others(count, seed=11):
    generator = random.Random(seed)
    return [(f"o{number:04d}", f"p{number}", generator.choice(SURNAMES), generator.choice(GIVEN),
             generator.choice(PATRONYMICS),
             f"{generator.randint(1965, 2004)}-{generator.randint(1, 12):02d}-{generator.randint(1, 28):02d}",
             generator.choice(PLACES), f"АБ{generator.randint(100000, 999999)}", f"А{generator.randint(1000, 9999)}")
            for number in range(count)]


def family():
    return [(record_id, "the-same-person-id", *fields, "", "") for record_id, *fields in THE_MAN + [HIS_BROTHER]]


@pytest.fixture(scope="module")
def folder():
    path = pathlib.Path(tempfile.mkdtemp(prefix="homeward-link-"))
    records = others(400) + family()
    random.Random(3).shuffle(records)
    write_list(path / "list.csv", records)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def link(*arguments):
    binary = os.environ.get("HOMEWARD_BIN", str(ROOT / ".build" / "debug" / "homeward"))
    return subprocess.run([binary, "link", *map(str, arguments)], capture_output=True, text=True, timeout=300)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def test_one_man_written_four_ways_is_one_cluster_and_his_brother_is_another(folder):
    done = link(folder / "list.csv", "--out", folder / "out")
    assert done.returncode == 0, done.stderr
    assert "done: 405 records" in done.stderr
    clusters = read_csv(folder / "out" / "clusters.csv")
    assert clusters[0] == ["unique_id", "cluster_id"] and len(clusters) == 406
    cluster_of = dict(clusters[1:])
    assert len({cluster_of[record_id] for record_id, *_ in THE_MAN}) == 1
    assert cluster_of["b1"] != cluster_of["m1"]
    assert all(cluster_of[cluster] == cluster for cluster in cluster_of.values()), "a cluster is named by a member"

    pairs = read_csv(folder / "out" / "pairs.csv")
    assert pairs[0] == ["unique_id_l", "unique_id_r", "match_probability"]
    probability = {}
    for left, right, value in pairs[1:]:
        assert left in cluster_of and right in cluster_of and left != right
        assert len(value.split(".")[1]) == 6 and 0 <= float(value) <= 1
        probability[frozenset((left, right))] = float(value)
    assert probability[frozenset(("m1", "m2"))] >= 0.9
    assert probability[frozenset(("m1", "b1"))] < 0.5


def test_an_explanation_gives_each_fields_share(folder):
    explained = link(folder / "list.csv", "--out", folder / "explained", "--explain", "m1,m2", "--explain", "m1,b1")
    assert explained.returncode == 0, explained.stderr
    man, brothers = re.split(r"(?m)^records ", explained.stdout)[1:]
    assert man.startswith("m1 and m2:") and brothers.startswith("m1 and b1:")
    assert "day and month swapped" in man and "alias (renamed or other language)" in man
    assert "two different known names" in brothers
    for part in (man, brothers):
        fields = [line.split()[0] for line in part.strip().splitlines()[1:]]
        assert fields[:8] == ["prior", "surname", "givenName", "patronymic", "dateOfBirth", "placeOfBirth",
                              "serviceNumber", "unit"]
        assert "probability" in part.strip().splitlines()[-1]


def test_a_new_list_is_linked_against_the_register(folder):
    new = [record for record in read_csv(folder / "list.csv")[1:] if record[0] in ("m2", "m3", "b1")]
    register = [record for record in read_csv(folder / "list.csv")[1:] if record[0] not in ("m2", "m3", "b1")]
    write_list(folder / "new.csv", new)
    write_list(folder / "register.csv", register)
    done = link(folder / "new.csv", "--against", folder / "register.csv", "--out", folder / "against")
    assert done.returncode == 0, done.stderr
    cluster_of = dict(read_csv(folder / "against" / "clusters.csv")[1:])
    assert len(cluster_of) == 405
    assert cluster_of["m2"] == cluster_of["m3"] == cluster_of["m1"]
    assert cluster_of["b1"] != cluster_of["m1"]


@pytest.mark.parametrize("arguments, message", [
    (["--explain", "m1,nobody"], "--explain: no record nobody in"),
    (["--explain", "m1"], "--explain takes two record ids separated by a comma, not 'm1'"),
    (["--threshold", "0.3"], "--threshold must be between 0.5 and 1"),
])
def test_a_request_it_cannot_answer_is_refused_before_any_work(folder, arguments, message):
    refused = link(folder / "list.csv", "--out", folder / "refused", *arguments)
    assert refused.returncode != 0
    assert message in refused.stderr
    assert not (folder / "refused").exists() and "preparing" not in refused.stderr


def test_a_list_that_cannot_be_read_says_where(folder):
    rows = read_csv(folder / "list.csv")
    write_list(folder / "twice.csv", rows[1:4] + [rows[2]])
    refused = link(folder / "twice.csv", "--out", folder / "twice")
    assert refused.returncode != 0
    assert f"twice.csv, row 5, column record_id: '{rows[2][0]}' appears twice" in refused.stderr

    write_list(folder / "both.csv", rows[1:3])
    refused = link(folder / "both.csv", "--against", folder / "list.csv", "--out", folder / "both")
    assert refused.returncode != 0
    assert f"record_id '{rows[1][0]}' is in both" in refused.stderr
    assert not (folder / "twice").exists() and not (folder / "both").exists()
