"""The project's own docs stay true to the repository: the layer table of
docs/architecture.md is import-linter's contract (pyproject.toml), and the README's and
docs/' links point at files of the repository."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def layer_table_apps() -> list[str]:
    """The app column of docs/architecture.md's "The layers" table, top row first."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## The layers", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


def test_the_layer_table_is_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    # The table lists the bottom layer first; the contract the top one.
    assert layer_table_apps() == list(reversed(contract["layers"]))
    assert set(config["tool"]["importlinter"]["root_packages"]) == set(contract["layers"])


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_links_point_at_files_of_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    broken = [t for t in local if not (doc.parent / t).resolve().exists()]
    outside = [t for t in local if not (doc.parent / t).resolve().is_relative_to(ROOT.resolve())]
    assert (broken, outside) == ([], [])


def readme_demo_accounts() -> list[tuple[str, str, str]]:
    """(role group, username, name) of each row of the README's demo account table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Roles and demo accounts", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| `([a-z0-9_]+)` \| ([^|]+?) \|", section, re.M)


def test_the_readme_lists_the_demo_accounts_make_demo_prints():
    """`make demo` prints DEMO_ACCOUNTS (manage.py demo_accounts); the README's table
    names the same accounts, in the same order, with the same roles and names."""
    from accounts.demo import DEMO_ACCOUNTS

    printed = [(a.role.value, a.username, a.full_name) for a in DEMO_ACCOUNTS]
    assert readme_demo_accounts() == printed
