"""The apps depend one way: places and users (accounts, rivers, and the shared plumbing in config) < staffing <
patrol < assessments < overview. No app imports a higher one, not even inside a function, and no two modules import
each other (directly or round a longer loop, also through a package's `__init__` and inside one app: views that
import exports that import views). Read from the source with `ast`, so an import hidden in a function body, under
`if TYPE_CHECKING:` or behind `importlib` counts like one at the top."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"accounts": 0, "rivers": 0, "config": 0, "staffing": 1, "patrol": 2, "assessments": 3, "overview": 4}
# The project's wiring, above every app: settings, the URLconf and the servers' entry points.
WIRING = {"config.settings", "config.settings_test", "config.urls", "config.wsgi", "config.schema"}
TOP = max(LAYERS.values()) + 1
# The one upward import, named at the import: a renewal's age limit (第四条(二), 55 instead of 50 周岁) depends on
# the incumbent's assessed months. assessments.outcomes reads assessment rows only, so it does not loop back.
ALLOWED_UPWARD = {("staffing.selectors.hiring", "assessments.outcomes")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def layer_of(module: str) -> int:
    if module in WIRING:
        return TOP
    return LAYERS[module.split(".")[0]]


def imported(path: Path, module: str, known: set[str]) -> Iterator[tuple[str, int]]:
    """(project module, line) for every import in the file, wherever it stands; `importlib.import_module("x")`
    with a literal name counts too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                yield name, node.lineno


def import_graph(modules: dict[str, Path] | None = None) -> dict[str, dict[str, int]]:
    """{module: {module it imports: line}}. A package's `__init__` that lists its modules' names imports them: a
    module importing the package depends on all of them, so a loop through the package is a loop."""
    modules = project_modules() if modules is None else modules
    known = set(modules)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges = graph.setdefault(module, {})
        for target, line in imported(path, module, known):
            if target != module:
                edges.setdefault(target, line)
    return graph


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    return [
        f"{module}:{line} imports {target}"
        for module, edges in sorted(graph.items())
        for target, line in sorted(edges.items())
        if layer_of(target) > layer_of(module) and (module, target) not in ALLOWED_UPWARD
    ]


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, {}))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_app_imports_a_higher_one():
    assert upward_imports(import_graph()) == []


def test_the_allowed_upward_import_is_still_there():
    """An exception nobody needs any more must go, or the next upward import could hide behind it."""
    graph = import_graph()
    assert [(module, target) for module, target in ALLOWED_UPWARD if target not in graph.get(module, {})] == []


def test_no_modules_import_each_other():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from patrol import selectors\n", ["staffing.x:1 imports patrol.selectors"]),
        ("def f():\n    from assessments.rules import month_label\n", ["staffing.x:2 imports assessments.rules"]),
        ("import importlib\nimportlib.import_module('overview.api')\n", ["staffing.x:2 imports overview.api"]),
        ("from rivers import selectors\nfrom . import rules\n", []),
    ],
)
def test_the_check_sees_every_kind_of_upward_import(tmp_path, source, expected):
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    known = {"patrol.selectors", "assessments.rules", "overview.api", "rivers.selectors", "staffing.rules"}
    graph = {"staffing.x": dict(imported(path, "staffing.x", known))}
    assert upward_imports(graph) == expected


def test_the_check_finds_a_loop_of_three_modules():
    graph = {"a.x": {"a.y": 1}, "a.y": {"a.z": 1}, "a.z": {"a.x": 1}, "a.w": {"a.x": 1}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]


def test_the_check_finds_views_and_exports_importing_each_other_through_a_package(tmp_path):
    """The loop the read models broke: a view imports the exports package, whose module imports the view for a
    row type (under TYPE_CHECKING, which still counts)."""
    files = {
        "app.views": "from app.views.scoring import sheet\n",
        "app.views.scoring": "from app import exports\n",
        "app.exports": "from app.exports.scoring import sheet_xlsx\n",
        "app.exports.scoring": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.views.scoring import Row\n"
        ),
        "app.reports": "",
    }
    modules = {}
    for name, source in files.items():
        package = tmp_path.joinpath(*name.split("."))
        path = package / "__init__.py" if name in ("app.views", "app.exports") else package.with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        modules[name] = path
    assert cycles(import_graph(modules)) == [["app.exports", "app.exports.scoring", "app.views.scoring"]]

    modules["app.exports.scoring"].write_text("from app.reports import Row\n", encoding="utf-8")
    assert cycles(import_graph(modules)) == []
