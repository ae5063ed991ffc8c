"""Real files through the real upload path, converted by the real task worker (`db_worker`)
with real LibreOffice and img2pdf.

The worker runs inside the test's transaction: it calls `close_old_connections()` around each
task, which on PostgreSQL would close the connection holding that transaction, so the call is
replaced with a no-op for the test (as in cases/tests/services/test_written_answer_pdf.py).
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from sagsbro.cases.rules.kinds import Subtype
from sagsbro.conftest import make_case


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def conversion_tmp(monkeypatch, tmp_path) -> Path:
    """The conversions' temporary directories go here, so a test can see what is left."""
    directory = tmp_path / "conversions"
    directory.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(directory))
    return directory


@pytest.fixture
def run_worker(monkeypatch):
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run() -> None:
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )

    return run


@pytest.fixture
def case(side_a):
    return make_case(side_a, Subtype.LOEBENDE_SAG, complete=False)
