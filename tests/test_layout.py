"""The layout a newcomer reads: packages named after the domain, no import circles, no file
too long to read, and the README's map of the packages matching the tree."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "mlops_quiz"
MAX_LINES = 600
DOMAIN_PACKAGES = {
    "bank",
    "checking",
    "scheduling",
    "study",
    "ui",
    "classroom",
    "store",
    "transfer",
    "cli",
    "config",
}
TOP_MODULES = {"__init__.py", "__main__.py", "errors.py", "text.py", "files.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def own_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, modules: dict[str, Path], part: ast.AST | None = None) -> set[str]:
    """The own modules a file imports, anywhere in it (function bodies included), or in one
    ``part`` of it."""
    found: set[str] = set()
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    for node in ast.walk(part or ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # "from package import module" names the submodule; otherwise the module itself
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found.update(name for name in names if name in modules and name != this)
    return found


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: its strongly connected components of two or more
    modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    return found


def test_no_two_modules_import_each_other() -> None:
    modules = own_modules()
    graph = {name: imports_of(path, modules) for name, path in modules.items()}
    assert circles(graph) == []


def test_a_circle_through_three_modules_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_imports_in_function_bodies() -> None:
    modules = own_modules()
    # the study command imports the loop only when it runs
    assert "mlops_quiz.study.loop" in imports_of(PACKAGE / "cli" / "study.py", modules)
    assert "mlops_quiz.config.paths" in imports_of(PACKAGE / "config" / "settings.py", modules)


def test_a_function_does_not_import_again_what_its_module_imports() -> None:
    modules = own_modules()
    again = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        at_top = imports_of(path, modules, ast.Module(body=top, type_ignores=[]))
        functions = [
            node
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        in_functions = set().union(*(imports_of(path, modules, f) for f in functions))
        if at_top & in_functions:
            again[name] = sorted(at_top & in_functions)
    assert again == {}


def test_no_file_is_too_long_to_read() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_top_level_shows_the_domain_packages() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    files = {p.name for p in PACKAGE.glob("*.py")}
    assert packages == DOMAIN_PACKAGES
    assert files == TOP_MODULES


def test_every_package_says_what_it_is_for() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        if init.parent == PACKAGE:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 8, init.parent.name


def test_the_readme_map_matches_the_tree() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The map", 1)[1].split("\n#", 1)[0]
    named = set(re.findall(r"^\| `([\w/.]+)` \|", section, re.M))
    on_disk = {f"{p.name}/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    on_disk |= {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py"}
    assert named == on_disk


def test_the_session_does_not_ask_which_scheduler_runs() -> None:
    # the rule: the session calls one small interface and never asks which scheduler
    # it is (no isinstance of a scheduler class, no test of its name, no FSRS by name)
    source = (PACKAGE / "study" / "session.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            assert "Sm2" not in ast.unparse(node) and "Fsrs" not in ast.unparse(node)
        if isinstance(node, ast.Compare):
            assert "scheduler.name" not in ast.unparse(node), ast.unparse(node)
        if isinstance(node, ast.Attribute | ast.Name | ast.alias):
            named = getattr(node, "attr", None) or getattr(node, "id", None) or node.name
            assert named.lower() != "fsrs", ast.unparse(node)


def script(name: str) -> ModuleType:
    """A script of ``scripts/`` loaded as a module, without running it."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_mutation_script_names_files_and_tests_that_exist() -> None:
    targets = script("mutation").MODULES
    for target in targets.values():
        for path in (*target.paths, *target.tests):
            assert (ROOT / path).is_file(), path
        for node in target.slow:
            file, _, test = node.partition("::")
            assert f"def {test}(" in (ROOT / file).read_text(encoding="utf-8"), node


def test_every_planted_bug_finds_its_code_and_its_tests() -> None:
    for name, path, old, _new, tests in script("planted_bugs").BUGS:
        assert (ROOT / path).is_file(), name
        assert (ROOT / path).read_text(encoding="utf-8").count(old) == 1, name
        tests = tests if tests.endswith(".py") else f"tests/test_rules_{tests}.py"
        assert (ROOT / tests).is_file(), name


def test_the_readme_map_names_every_module_of_a_package_it_lists_by_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The map", 1)[1].split("\n#", 1)[0]
    for package, what in re.findall(r"^\| `(\w+)/` \|(.*)\|$", section, re.M):
        files = {p.stem for p in (PACKAGE / package).glob("*.py")} - {"__init__"}
        named = set(re.findall(r"`(\w+)`", what))
        assert files <= named, (package, sorted(files - named))
