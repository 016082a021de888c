"""``flask translate``: extract, update and compile the message catalogs.

Message ids are the Chinese texts (zh_Hans is the default language); the en
catalog must translate every one of them.
"""

from __future__ import annotations

import subprocess
import sys

import click
from flask.cli import AppGroup

from portal.config import PROJECT_ROOT

translate_cli = AppGroup("translate", help="Extract, update and compile translations.")
TRANSLATIONS = PROJECT_ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


def extract_messages(output: str = str(TEMPLATE)) -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--no-wrap",
        "-o",
        output,
        "portal",
        "forms",
    )


@translate_cli.command("extract")
def extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    extract_messages()


@translate_cli.command("update")
def update() -> None:
    """Extract, then merge new strings into every language's catalog."""
    extract_messages()
    _pybabel(
        "update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--no-wrap"
    )


@translate_cli.command("compile")
def compile_catalogs() -> None:
    """Compile the .po catalogs into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
