"""Imports flow one way (style.md §4): nothing imports a layer to its right."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rivalwatch"
LAYERS = {
    "models": 0, "errors": 0, "dates": 0, "knowledge": 0,
    "ingest": 1, "extract": 2, "store": 3, "analysis": 4, "export": 5, "api": 6,
    "render": 7, "cli": 7, "web": 7, "__main__": 8,
}


def _part(module: str) -> str:
    """The top-level part of `rivalwatch.<part>...`."""
    return module.split(".")[1] if module.count(".") else ""


def _imports(path: Path) -> set[str]:
    package = ".".join(["rivalwatch", *path.relative_to(PACKAGE).parts[:-1]])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rivalwatch"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                found.update(f"{module}.{a.name}" if node.module is None else module for a in node.names)
            elif node.module and node.module.startswith("rivalwatch"):
                found.add(node.module)
    return {m for m in found if _part(m)}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_left_to_right(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    assert own in LAYERS, f"{own} has no layer in style.md"
    wrong = sorted(m for m in _imports(path) if LAYERS[_part(m)] > LAYERS[own])
    assert wrong == [], f"{path.name} imports to its right: {wrong}"


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert {name: n for name, n in sizes.items() if n > 500} == {}
