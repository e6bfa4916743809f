"""What setup.py declares is what the code imports: every third-party module an app imports is
declared for the role that runs it (the hub role can import every procedure format), and every
declared dependency is imported somewhere (nothing required that nothing uses)."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = ("village", "controller", "kiosk", "commune", "demo")
ROLES = {  # scripts/install.sh: the extras of each role, and the packages that role runs
    "pi": (("controller", "kiosk", "sync"), ("village", "controller", "kiosk")),
    "hub": (("sync", "report", "site", "console"), ("village", "commune")),
}
# declared but never imported by name, and why
USED_INDIRECTLY = {
    "python-multipart": "starlette parses the console's upload forms with it",
    "ffpyplayer": "Kivy's video provider (KIVY_VIDEO=ffpyplayer, kiosk.launch) plays the clips",
}


def _declared() -> tuple[list[str], dict[str, list[str]]]:
    """install_requires and extras_require of setup.py, read without running it."""
    tree = ast.parse((REPO / "setup.py").read_text(encoding="utf-8"))
    lists: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                lists[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    call = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "setup"
    )
    keywords = {k.arg: k.value for k in call.keywords}
    required = ast.literal_eval(keywords["install_requires"])
    extras: dict[str, list[str]] = {}
    extras_node = keywords["extras_require"]
    assert isinstance(extras_node, ast.Dict)
    for key, value in zip(extras_node.keys, extras_node.values, strict=True):
        assert isinstance(key, ast.Constant)
        items: list[str] = []
        for part in value.elts if isinstance(value, ast.List) else [value]:
            names = [part] if not isinstance(part, ast.BinOp) else _operands(part)
            for name in names:
                assert isinstance(name, ast.Name)
                items += lists[name.id]
        extras[str(key.value)] = items
    return required, extras


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return _operands(node.left) + _operands(node.right)
    return [node]


def _distribution(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


def _imports(package: str) -> dict[str, set[str]]:
    """Third-party top-level modules imported by a package's files -> the files."""
    found: dict[str, set[str]] = {}
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top in sys.stdlib_module_names or top in APPS or top == "__future__":
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


def _provided(requirements: list[str]) -> set[str]:
    wanted = {_distribution(r) for r in requirements}
    return {
        module
        for module, dists in packages_distributions().items()
        if any(d.lower() in wanted for d in dists)
    }


def test_every_import_is_declared_for_the_role_that_runs_it() -> None:
    required, extras = _declared()
    for role, (role_extras, packages) in ROLES.items():
        provided = _provided(required + [r for e in role_extras for r in extras[e]])
        missing = {
            module: sorted(files)
            for package in packages
            for module, files in _imports(package).items()
            if module not in provided
        }
        assert not missing, f"role {role}: imported but not declared: {missing}"


def test_every_declared_dependency_is_imported_somewhere() -> None:
    required, extras = _declared()
    runtime = required + [
        r for name, reqs in extras.items() if name not in ("test", "bench") for r in reqs
    ]
    imported = {module for package in APPS for module in _imports(package)}
    dists = packages_distributions()
    unused = []
    for requirement in runtime:
        name = _distribution(requirement)
        modules = {m for m, ds in dists.items() if name in {d.lower() for d in ds}}
        if not modules & imported and name not in USED_INDIRECTLY:
            unused.append(name)
    assert not unused, f"declared but imported nowhere: {sorted(set(unused))}"
