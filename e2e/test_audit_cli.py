"""`homeward audit verify` after someone edits the database behind the application's back."""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import tempfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def register():
    binary = os.environ.get("HOMEWARD_BIN", str(ROOT / ".build" / "debug" / "homeward"))
    folder = pathlib.Path(tempfile.mkdtemp(prefix="homeward-audit-"))
    subprocess.run(
        [binary, "demo", "--own", "20", "--adversary", "10", "--without-review", "--data-dir", str(folder / "clean"),
         "--log-level", "warning"],
        check=True, capture_output=True)
    yield binary, folder
    shutil.rmtree(folder, ignore_errors=True)


def verify(binary, folder):
    return subprocess.run([binary, "audit", "verify", "--data-dir", str(folder), "--log-level", "warning"],
                          capture_output=True, text=True)


def tampered_copy(folder, name, statement):
    copy = folder / name
    shutil.copytree(folder / "clean", copy)
    with sqlite3.connect(copy / "homeward.sqlite") as connection:
        connection.execute(statement)
    return copy


def test_an_intact_log_verifies(register):
    binary, folder = register
    result = verify(binary, folder / "clean")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "intact" in result.stdout


def test_an_altered_entry_is_named(register):
    binary, folder = register
    copy = tampered_copy(folder, "altered", "UPDATE audit_entries SET actor = 'someone else' WHERE sequence = 5")
    result = verify(binary, copy)
    assert result.returncode != 0
    assert "entry 5" in result.stdout and "altered" in result.stdout


def test_a_removed_entry_is_named(register):
    binary, folder = register
    copy = tampered_copy(folder, "removed", "DELETE FROM audit_entries WHERE sequence = 7")
    result = verify(binary, copy)
    assert result.returncode != 0
    assert "entry 7" in result.stdout and "missing" in result.stdout
