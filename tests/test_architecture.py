"""The shape the architecture promises: small functions, classes and modules outside tests.

A function over 60 lines, a class over 200 or a module over 300 is doing more than one job;
this fails with the places to split rather than letting them grow unnoticed.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGES = ("assistant", "ingest", "evals")
LIMITS = {"function": 60, "class": 200, "module": 300}


def measure() -> list[tuple[str, str, int]]:
    """(kind, place, lines) for every function, class and module of the product."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            name = str(path.relative_to(ROOT))
            found.append(("module", name, len(source.splitlines())))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    kind = "class" if isinstance(node, ast.ClassDef) else "function"
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    found.append((kind, f"{name}:{node.lineno} {node.name}", length))
    return found


def test_no_function_class_or_module_past_its_limit() -> None:
    measured = measure()
    assert len([m for m in measured if m[0] == "module"]) > 40  # the walk found the product
    too_long = [f"{kind} {place}: {n} lines" for kind, place, n in measured if n > LIMITS[kind]]
    assert not too_long, "split these:\n" + "\n".join(too_long)


def test_the_rooms_are_where_the_readme_says() -> None:
    rooms = {p.name for p in (ROOT / "assistant").iterdir() if p.is_dir() and p.name[0] != "_"}
    assert rooms == {"storage", "language", "retrieval", "answering", "history", "web", "cli"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for room in rooms:
        assert f"assistant/{room}/" in readme, f"README's architecture section lacks {room}/"
