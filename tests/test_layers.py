"""The package's shape: layers that import only downwards, no cycles, notebooks that import
only `lesson_utils`, and `import lesson_utils` that starts nothing heavy.

The layers, bottom to top (lesson_utils/__init__.py says what each holds): a module
imports only from its own layer or the layers below it.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "lesson_utils"
LAYERS = [
    {
        "settings",
        "arguments",
        "paths",
        "progress",
        "quiet_tensorflow",
        "hosted",
        "benchmark_data",
        "tables",
    },
    {"scratch"},
    {"data"},
    {"models"},
    {"training"},
    {"experiments"},
    {"figures"},
    {"widgets"},
    {"exercises"},
]
# Modules outside the layers: the public face (imports its names on demand) and the
# command line (hands over to course_tools).
ENTRY_POINTS = {"lesson_utils", "lesson_utils.__main__"}
# Imports inside a function, each with its reason; every other import is at a module's top.
INNER_IMPORTS = {
    ("lesson_utils.settings", "keras"): "the settings never start TensorFlow (slides, doctor)",
    ("lesson_utils.quiet_tensorflow", "tensorflow"): "imported with standard error silenced",
    ("lesson_utils.hosted", "google.colab"): "exists in Colab only",
    ("lesson_utils.hosted", "packaging.requirements"): "the set-up cell runs before the course's "
    "dependencies are checked",
    ("lesson_utils.hosted", "packaging.utils"): "as above",
}


def module_name(path):
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules():
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path):
    """(imported module, inside a function?) for every import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner |= {id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in inner) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the package imports absolutely"
            base = node.module
            names = [f"{base}.{alias.name}" for alias in node.names]
            found += [
                (
                    name if name.rsplit(".", 1)[0] == base and _is_module(name) else base,
                    id(node) in inner,
                )
                for name in names
            ]
    return found


def _is_module(name):
    relative = Path(*name.split("."))
    return (REPO / relative).with_suffix(".py").is_file() or (
        REPO / relative / "__init__.py"
    ).is_file()


def layer_of(module):
    if module in ENTRY_POINTS:
        return None
    top = module.split(".")[1]
    return next(rank for rank, layer in enumerate(LAYERS) if top in layer)


def internal_graph():
    modules = package_modules()
    return {
        name: {target for target, _ in imports_of(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_every_module_belongs_to_a_layer():
    unplaced = [
        m
        for m in package_modules()
        if m not in ENTRY_POINTS and not any(m.split(".")[1] in layer for layer in LAYERS)
    ]
    assert not unplaced, (
        f"modules in no layer (add them to LAYERS and lesson_utils/__init__): {unplaced}"
    )


def test_each_layer_imports_only_from_itself_and_the_layers_below():
    wrong = [
        f"{source} (layer {layer_of(source)}) imports {target} (layer {layer_of(target)})"
        for source, targets in internal_graph().items()
        if layer_of(source) is not None
        for target in targets
        if layer_of(target) is not None and layer_of(target) > layer_of(source)
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_there_is_no_import_cycle():
    graph = internal_graph()
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                raise AssertionError(
                    "import cycle: " + " -> ".join(path[path.index(target) :] + [target])
                )
            if target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def test_imports_sit_at_the_top_of_each_module_unless_a_reason_is_written_here():
    hidden = [
        f"{name} imports {target} inside a function"
        for name, path in package_modules().items()
        for target, inner in imports_of(path)
        if inner and (name, target) not in INNER_IMPORTS
    ]
    assert not hidden, "\n".join(hidden)


def test_the_from_scratch_cells_use_numpy_only():
    allowed = {"numpy", "lesson_utils.arguments", "lesson_utils.settings", "lesson_utils.scratch"}
    for name, path in package_modules().items():
        if name.startswith("lesson_utils.scratch"):
            used = {target for target, _ in imports_of(path)}
            extra = {t for t in used if not any(t == a or t.startswith(a + ".") for a in allowed)}
            assert not extra, f"{name} imports {extra}: the from-scratch cells use NumPy only"


def test_the_package_never_imports_course_tooling():
    offenders = [
        name
        for name, path in package_modules().items()
        if name not in ENTRY_POINTS
        for target, _ in imports_of(path)
        if target.split(".")[0] == "course_tools"
    ]
    assert not offenders, f"lesson_utils modules importing course_tools: {offenders}"


def test_no_private_keras_api_in_the_package_or_the_notebooks():
    sources = [(str(p), p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")]
    sources += [(str(p), cell) for p, cell in notebook_code_cells()]
    offenders = sorted({name for name, text in sources if "keras.src" in text})
    assert not offenders, f"keras.src (Keras' private API) used in {offenders}"


def notebook_code_cells():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                yield path, "".join(cell["source"])


def test_notebooks_import_only_from_lesson_utils_itself():
    from lesson_utils.hosted import setup_cell_source

    wrong = []
    for path, source in notebook_code_cells():
        if source.rstrip() == setup_cell_source().rstrip():
            continue  # the generated set-up cell (tests/test_hosted.py) imports lesson_utils.hosted
        for node in ast.walk(ast.parse(source)):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            wrong += [f"{path.name}: {n}" for n in names if n.startswith("lesson_utils.")]
    assert not wrong, "notebooks import lesson_utils' modules directly:\n" + "\n".join(wrong)


def test_every_public_name_is_used_by_a_notebook():
    # Except the first lesson's API and the instructors' names (tests/test_presenter_style.py
    # runs the instructor guide's lines that import them).
    import lesson_utils

    code = "\n".join(source for _, source in notebook_code_cells())
    kept = lesson_utils.FIRST_LESSON_API + lesson_utils.FOR_INSTRUCTORS
    unused = [name for name in lesson_utils.__all__ if name not in code and name not in kept]
    assert not unused, f"exported but used by no notebook: {unused}"


def test_every_public_name_resolves_and_the_first_lessons_api_is_kept():
    import lesson_utils

    assert lesson_utils.FIRST_LESSON_API == (
        "DEFAULT_SEED",
        "set_global_seed",
        "prepare_imdb_data",
        "build_rnn_model",
        "train_rnn_model",
        "evaluate_rnn_model",
        "run_full_workflow",
    )
    unresolved = []
    for name in lesson_utils.__all__:
        try:
            getattr(lesson_utils, name)
        except (AttributeError, ImportError) as error:
            unresolved.append(f"{name}: {error!r}")
    assert not unresolved, "public names that do not resolve:\n" + "\n".join(unresolved)
    assert lesson_utils.DEFAULT_SEED == 42
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        lesson_utils.not_a_name  # noqa: B018


@pytest.mark.parametrize(
    "statement",
    [
        "import lesson_utils",
        "import lesson_utils.hosted",
        "import course_tools.cli",
        "import course_tools.slides",
    ],
)
def test_importing_the_package_or_its_command_line_starts_no_tensorflow(statement):
    code = (
        f"{statement}; import sys; "
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
