"""The house rules of the code (docs/architecture.md): imports point one way, no cycles, modules a
reader can hold in their head, each rule's SQL written once, and the architecture's names real."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("articles", "authors", "newsroom")
MAX_MODULE_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The project's modules that `path` imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return {name for name in names if name in MODULES}


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def test_the_project_imports_nothing_from_the_app():
    """`newsroom` reaches `articles` only through its URLconf's include() and settings' strings."""
    reaching = {(name, target) for name, targets in GRAPH.items() for target in targets}
    assert {(a, b) for a, b in reaching if a.startswith("newsroom") and b.startswith("articles")} == set()
    assert {(a, b) for a, b in reaching if a.startswith("authors") and b.startswith("articles")} == set()


def test_no_import_cycle():
    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(GRAPH[start])
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(GRAPH[name])
        return False

    assert [name for name in GRAPH if reaches(name, name)] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name):
    assert len(MODULES[name].read_text().splitlines()) <= MAX_MODULE_LINES


def test_each_rule_is_written_once_in_sql():
    """The public gate and the listing order: `articles/rules.py` writes their SQL, the rest ask it."""
    sources = {name: path.read_text() for name, path in MODULES.items()}
    gate = [name for name, text in sources.items() if re.search(r"= '\{?PUBLISHED\}?'|= 'published'", text)]
    order = [name for name, text in sources.items() if "DESC NULLS LAST" in text]
    assert gate == ["articles.rules"]
    assert order == ["articles.rules"]


def test_the_architecture_names_modules_that_exist():
    """Every `x.py` and `x/` the architecture names is there, relative to the repository or to the
    package it is read in."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    bases = [ROOT, ROOT / "articles", ROOT / "articles" / "importer", ROOT / "articles" / "search"]
    missing = []
    for token in re.findall(r"`([\w/.]+\.py)", text):
        if not any((base / token).exists() for base in bases):
            missing.append(token)
    assert missing == []
