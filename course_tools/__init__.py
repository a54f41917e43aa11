"""Course tooling that no notebook imports: benchmarks, notebook timing, slides, diagrams, the site.

These tools work on a clone of the repository (its notebooks, its `vendor/`
folder, its `artifacts/`), so their paths start from the clone's root.
"""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
