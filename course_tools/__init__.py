"""Course tooling that no notebook imports: benchmarks, notebook timing, slides, diagrams, the site.

These tools work on a clone of the repository (its notebooks, its `vendor/`
folder, its `artifacts/`), so their paths start from the clone's root.
"""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO_DIR / "notebooks"


def cell_source(cell):
    """A notebook cell's source as one string (nbformat stores a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def cell_lines(text):
    """A cell's source as nbformat writes it: lines, each with its newline but the last."""
    return text.splitlines(keepends=True)


def machine():
    """What a saved measurement ran on: cores, platform, processor and its vector instructions.

    Training speed on a CPU depends on the vector instructions TensorFlow can use (AVX2,
    AVX-512, AMX): two machines with 2 cores can differ twofold, so every benchmark says which.

    Returns:
        A dict: `cpus`, `platform`, `processor` (the model name, where Linux gives it) and
        `vector_instructions` (those of AVX2, AVX-512 F and AMX the processor has).
    """
    import os
    import platform

    info = {"cpus": os.cpu_count(), "platform": platform.platform()}
    cpuinfo = Path("/proc/cpuinfo")
    text = cpuinfo.read_text(encoding="utf-8", errors="replace") if cpuinfo.exists() else ""
    names = [line.split(":", 1)[1].strip() for line in text.splitlines() if "model name" in line]
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if "flags" in line), []
    )
    info["processor"] = names[0] if names else platform.processor()
    info["vector_instructions"] = [
        name
        for flag, name in (("avx2", "AVX2"), ("avx512f", "AVX-512"), ("amx_tile", "AMX"))
        if flag in flags
    ]
    return info
