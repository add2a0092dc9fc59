"""The layout the architecture promises, checked on the source (``ast``, no imports run).

- ``queries`` never imports ``loaders`` (queries read graphs; loading is another layer;
  both use :mod:`resolve`), in any form: ``import loaders``, ``import loaders.x``,
  ``from loaders(.x) import …``, or a relative import that climbs out of ``queries``.
- ``resolve`` imports neither ``loaders`` nor ``queries`` (both depend on it).
- No module of the packages has more than 400 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "resolve", "loaders", "queries", "cli")
MAX_LINES = 400


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved).

    ``from a.b import c`` yields both ``a.b`` and ``a.b.c`` (``c`` may be a module).
    """
    name = _module_name(path, root)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                drop = node.level - 1 if is_package else node.level
                base = base[: len(base) - drop] if drop else base
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _offenders(importer: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in _modules(importer):
        for module in sorted(imported_modules(path)):
            if any(_is_within(module, f) for f in forbidden):
                bad.append(f"{path.relative_to(ROOT)} imports {module}")
    return bad


def test_queries_never_import_loaders() -> None:
    assert _offenders("queries", ("loaders",)) == []


def test_resolve_imports_neither_loaders_nor_queries() -> None:
    assert _offenders("resolve", ("loaders", "queries")) == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_over_400_lines(package: str) -> None:
    modules = _modules(package)
    assert modules, f"{package}/ has no modules"
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_import_check_sees_every_form(tmp_path: Path) -> None:
    # The checker itself: each import form below names loaders, found by hand.
    pkg = tmp_path / "queries" / "sub"
    pkg.mkdir(parents=True)
    (tmp_path / "queries" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .. import x\n")
    mod = pkg / "m.py"
    mod.write_text(
        "import loaders\n"
        "import loaders.public.load as lp\n"
        "from loaders.office import values\n"
        "from ...loaders import report\n"
        "from . import sibling\n"
        "def f():\n"
        "    from loaders.cache import open_graph\n"
    )
    found = imported_modules(mod, tmp_path)
    init = imported_modules(pkg / "__init__.py", tmp_path)
    assert {m for m in found if _is_within(m, "loaders")} == {
        "loaders",
        "loaders.public.load",
        "loaders.office",
        "loaders.office.values",
        "loaders.report",
        "loaders.cache",
        "loaders.cache.open_graph",
    }
    assert "queries.sub.sibling" in found
    assert init == {"queries", "queries.x"}
