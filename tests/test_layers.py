"""The import contract: every arrow points down (docs/DESIGN.md, "Layers").

Reads every import statement under bqw/ and bench/ with `ast` (module level, inside functions and under
`if TYPE_CHECKING:` alike: a type-only import is still a dependency; migrations and the `tests/` folders,
which run against the whole project, are left out) and fails on an import of an app in a
higher layer or in the same layer, naming the file, the line and the two apps. Apps not yet merged are listed
so they are checked the moment they arrive; an app missing from the list fails too. Inside `bench/` the
modules must not import each other in a cycle.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. Apps on one line are in the same layer and never import each other.
# "project" is the bqw package's own modules (settings, urls, api, cli, wsgi), which wire every app together.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("accounts",),
    ("regions",),
    ("orgs",),
    ("indicators",),
    ("plans",),
    ("extraction", "projects"),
    ("pairing",),
    ("assessment",),
    ("cockpit", "briefings"),
    ("demo",),
    ("project", "bench"),
]
LAYER_OF = {app: i for i, layer in enumerate(LAYERS) for app in layer}


@dataclass(frozen=True)
class Import:
    path: Path  # relative to the scanned root
    line: int
    source: str  # importing module, dotted
    target: str  # imported module (or module.name for `from x import name`), dotted


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    source_app: str
    target_app: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source_app} imports {self.target_app} ({self.why})"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> list[Import]:
    """Every import in one file, relative ones resolved, `from pkg import name` also as `pkg.name`."""
    source = module_name(path, root)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    rel = path.relative_to(root)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, source, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(Import(rel, node.lineno, source, module))
            found += [Import(rel, node.lineno, source, f"{module}.{a.name}") for a in node.names if a.name != "*"]
    return found


def app_of(module: str, root: Path) -> str | None:
    """`bqw.<app>…` → app; the bqw package's own modules → "project"; `bench…` → "bench"; else None."""
    parts = module.split(".")
    if parts[0] == "bench":
        return "bench"
    if parts[0] != "bqw":
        return None
    if len(parts) == 1:
        return None  # `from bqw import x`: x is recorded on its own as bqw.x
    if (root / "bqw" / parts[1] / "__init__.py").exists():
        return parts[1]
    if (root / "bqw" / f"{parts[1]}.py").exists():
        return "project"
    return None  # `from bqw import x` where x is not a module: not an app


def python_files(root: Path) -> list[Path]:
    return sorted(p for top in ("bqw", "bench") if (root / top).is_dir() for p in (root / top).rglob("*.py")
                  if "migrations" not in p.parts and "tests" not in p.parts)


def layer_violations(root: Path, layers: dict[str, int] = LAYER_OF) -> list[Violation]:
    out: list[Violation] = []
    for path in python_files(root):
        for imp in imports_of(path, root):
            src, tgt = app_of(imp.source, root), app_of(imp.target, root)
            if src is None or tgt is None or src == tgt:
                continue
            if src not in layers or tgt not in layers:
                missing = src if src not in layers else tgt
                out.append(Violation(imp.path, imp.line, src, tgt,
                                     f"app {missing!r} has no layer: add it to LAYERS here and to docs/DESIGN.md"))
            elif layers[tgt] == layers[src]:
                out.append(Violation(imp.path, imp.line, src, tgt, "same layer: apps of one layer are independent"))
            elif layers[tgt] > layers[src]:
                out.append(Violation(imp.path, imp.line, src, tgt, "upward: a lower app imports a higher one"))
    return sorted(set(out), key=lambda v: (str(v.path), v.line, v.target_app))


def module_cycles(root: Path, package: str) -> list[list[str]]:
    """Import cycles among the modules of one package (e.g. bench.platform → bench.runner → bench.platform)."""
    modules = {module_name(p, root): p for p in (root / package).rglob("*.py") if "tests" not in p.parts}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for m, path in modules.items():
        for imp in imports_of(path, root):
            if imp.target in modules and imp.target != m and imp.target != package:
                graph[m].add(imp.target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append([*stack[stack.index(n):], n])
            elif n not in state:
                visit(n, [*stack, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles


# ---------------------------------------------------------------------------------------------------------------
# The contract on the real tree


def test_every_import_points_down():
    violations = layer_violations(ROOT)
    assert not violations, "imports against the layers (docs/DESIGN.md):\n" + "\n".join(map(str, violations))


def test_bench_modules_form_no_cycle():
    cycles = module_cycles(ROOT, "bench")
    assert not cycles, "import cycles in bench/:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_every_app_has_a_layer_and_installed_apps_follow_the_layers():
    from django.conf import settings

    ours = [a.split(".")[1] for a in settings.INSTALLED_APPS if a.startswith("bqw.")]
    on_disk = {p.parent.name for p in (ROOT / "bqw").glob("*/__init__.py")}
    assert on_disk <= set(LAYER_OF), f"apps without a layer: {sorted(on_disk - set(LAYER_OF))}"
    assert [LAYER_OF[a] for a in ours] == sorted(LAYER_OF[a] for a in ours), \
        f"INSTALLED_APPS must list the apps lowest layer first: {ours}"


# ---------------------------------------------------------------------------------------------------------------
# The checker itself, on a planted tree


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


BASE = {
    "bqw/__init__.py": "",
    "bqw/urls.py": "from bqw.plans import urls\n",
    "bqw/core/__init__.py": "",
    "bqw/core/errors.py": "class ApplicationError(Exception): ...\n",
    "bqw/accounts/__init__.py": "",
    "bqw/accounts/scope.py": "from bqw.core.errors import ApplicationError\n",
    "bqw/indicators/__init__.py": "",
    "bqw/indicators/services.py": "from bqw.accounts import scope\nfrom ..core.errors import ApplicationError\n",
    "bqw/plans/__init__.py": "",
    "bqw/plans/urls.py": "from . import views\n",
    "bqw/plans/views.py": "from bqw.indicators.services import x\n",
    "bqw/extraction/__init__.py": "",
    "bqw/projects/__init__.py": "",
    "bench/__init__.py": "",
    "bench/runner.py": "from . import harness\n",
    "bench/harness.py": "import bqw.plans.views\n",
}


def test_a_clean_planted_tree_passes(tmp_path):
    assert layer_violations(_tree(tmp_path, BASE)) == []
    assert module_cycles(tmp_path, "bench") == []


def test_an_upward_import_inside_a_function_fails_naming_file_line_and_apps(tmp_path):
    upward = "import os\n\n\ndef auth():\n    from bqw.accounts.models import User\n"
    root = _tree(tmp_path, {**BASE, "bqw/core/api.py": upward})
    [v] = layer_violations(root)
    assert (str(v.path), v.line, v.source_app, v.target_app) == ("bqw/core/api.py", 5, "core", "accounts")
    assert str(v) == "bqw/core/api.py:5: core imports accounts (upward: a lower app imports a higher one)"


def test_relative_and_type_checking_imports_count(tmp_path):
    type_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..plans.models import Task\n"
    root = _tree(tmp_path, {**BASE, "bqw/accounts/models.py": type_only,
                            "bqw/indicators/demo.py": "from bqw import demo\n", "bqw/demo/__init__.py": ""})
    found = {(str(v.path), v.line, v.source_app, v.target_app) for v in layer_violations(root)}
    assert found == {("bqw/accounts/models.py", 3, "accounts", "plans"),
                     ("bqw/indicators/demo.py", 1, "indicators", "demo")}


def test_a_same_layer_import_fails(tmp_path):
    root = _tree(tmp_path, {**BASE, "bqw/projects/services.py": "from bqw.extraction import services\n"})
    [v] = layer_violations(root)
    assert (v.source_app, v.target_app, v.line) == ("projects", "extraction", 1)
    assert "same layer" in str(v)


def test_an_app_without_a_layer_fails(tmp_path):
    root = _tree(tmp_path, {**BASE, "bqw/newthing/__init__.py": "",
                            "bqw/newthing/views.py": "import bqw.core.errors\n"})
    [v] = layer_violations(root)
    assert v.source_app == "newthing" and "has no layer" in str(v)


def test_a_cycle_between_bench_modules_fails(tmp_path):
    root = _tree(tmp_path, {**BASE, "bench/harness.py": "def f():\n    from .runner import X\n"})
    assert module_cycles(root, "bench") == [["bench.harness", "bench.runner", "bench.harness"]]
