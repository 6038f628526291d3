"""Where dualtrack keeps application state, and which environment it runs in."""

from __future__ import annotations

from pathlib import Path

import pytest

from dualtrack.config import (
    data_dir,
    database_url,
    environment,
    is_production,
    make_room_for,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No configured URL or environment; the user's data directory under the test's tmp_path."""
    monkeypatch.delenv("DUALTRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("DUALTRACK_ENV", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_data_dir_is_the_user_data_directory_created_on_demand(clean_environment: Path) -> None:
    assert not clean_environment.exists()
    assert data_dir() == clean_environment / "dualtrack"
    assert data_dir().is_dir()


def test_database_url_defaults_to_an_sqlite_file_in_the_data_directory(
    clean_environment: Path,
) -> None:
    expected = (clean_environment / "dualtrack" / "dualtrack.db").as_posix()
    assert database_url() == f"sqlite+aiosqlite:///{expected}"
    assert not clean_environment.exists()  # naming the file makes nothing


def test_opening_a_file_in_the_data_directory_makes_the_directory(
    clean_environment: Path, tmp_path: Path
) -> None:
    make_room_for(str(tmp_path / "elsewhere" / "app.db"))
    assert not (tmp_path / "elsewhere").exists()  # only the data directory is made
    make_room_for(str(clean_environment / "dualtrack" / "app.db"))
    assert (clean_environment / "dualtrack").is_dir()


def test_database_url_comes_from_the_environment_first(
    monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", "  postgresql://db.example/brain \n")
    assert database_url() == "postgresql://db.example/brain"
    assert not clean_environment.exists()
    monkeypatch.setenv("DUALTRACK_DATABASE_URL", "   ")
    assert database_url().startswith("sqlite+aiosqlite:///")


def test_environment_defaults_to_development(monkeypatch: pytest.MonkeyPatch) -> None:
    assert environment() == "development"
    assert not is_production()
    monkeypatch.setenv("DUALTRACK_ENV", " PRODUCTION ")
    assert environment() == "production"
    assert is_production()
    assert not is_production("staging")
    assert is_production("Production")
    monkeypatch.setenv("DUALTRACK_ENV", "prod")
    assert not is_production()
