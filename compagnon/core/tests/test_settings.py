"""Settings are read from the environment and refuse bad values with the variable's name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "COMPAGNON_ENV": "production",
    "SECRET_KEY": "kR3v9-Qm2pXz8Lw_T4yHb7Nc1Ds6Fg0Ja5Ue" * 2,
    "ALLOWED_HOSTS": "club.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("COMPAGNON_", "DJANGO_", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_")
        )
    }
    clean.update({"COMPAGNON_VAR_DIR": str(tmp_path), "DATABASE_URL": "", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"EMAIL_HOST": ""}, "EMAIL_HOST"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT"),
        ({"COMPAGNON_ENV": "staging"}, "COMPAGNON_ENV"),
        ({"TASKS_BACKEND": "rq", "REDIS_URL": ""}, "REDIS_URL"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(tmp_path, override, message):
    result = manage("check", env={**PRODUCTION, **override}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_development_needs_no_variable(tmp_path):
    result = manage("check", env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_env_example_documents_every_variable():
    """Every variable the settings read appears in .env.example and in the README table."""
    import re

    settings_src = (ROOT / "compagnon" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', settings_src))
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    missing_example = sorted(n for n in names if n not in example)
    missing_readme = sorted(n for n in names if f"`{n}`" not in readme)
    assert not missing_example, f"not in .env.example: {missing_example}"
    assert not missing_readme, f"not in README's table: {missing_readme}"
