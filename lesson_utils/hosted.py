"""The course in a hosted notebook service (Google Colab): its address, badges and set-up.

The repository's address is written once, under `[project.urls]` in
`pyproject.toml`; it reaches this module through the installed package's
metadata, so it is the same for an editable and a non-editable install. The
badges (Colab, Binder) and the install line are derived from it here.

A hosted service has TensorFlow, Keras, NumPy and ipywidgets preinstalled:
replacing any of them forces a runtime restart, so `setup_hosted` installs the
course without its dependencies and then only what the service lacks, with
every preinstalled package pinned to the version it has.
"""

import importlib
import importlib.metadata
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from lesson_utils.quiet_tensorflow import import_tensorflow_quietly
from lesson_utils.settings import DEFAULT_SEED, SEED_ENV_VAR, course_seed

DISTRIBUTION = "rnn-course"
INSTALL_SOURCE_ENV_VAR = "RNN_COURSE_INSTALL_SOURCE"
BRANCH = "main"
# The preinstalled packages whose versions the set-up line reports.
KEPT = ("tensorflow", "keras", "numpy", "ipywidgets")


def repository_url():
    """The course's repository, as `[project.urls] Repository` in `pyproject.toml` gives it.

    Returns:
        The URL, e.g. `"https://github.com/rnn-course/rnn-course"`.
    """
    for entry in importlib.metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository":
            return url.strip().rstrip("/")
    raise LookupError(
        f"The installed {DISTRIBUTION} has no Repository URL: reinstall the course "
        "(pip install -e . in a clone) so that its metadata has [project.urls]."
    )


def clone_folder(repository=None):
    """The folder a clone of `repository` (`None`: the course's) gets, as git names it."""
    return (repository or repository_url()).rstrip("/").rsplit("/", 1)[-1]


def github_repository():
    """The `(owner, name)` of the repository on GitHub, which Colab and Binder open."""
    url = repository_url()
    prefix = "https://github.com/"
    parts = url[len(prefix) :].split("/") if url.startswith(prefix) else []
    if len(parts) != 2 or not all(parts):
        raise ValueError(
            f"Colab and Binder open GitHub repositories: the Repository URL must be "
            f"https://github.com/<owner>/<name>. Received: {url!r}"
        )
    return parts[0], parts[1]


def install_requirement():
    """The pip requirement that installs the course from its repository (non-editable)."""
    return f"{DISTRIBUTION} @ git+{repository_url()}"


def install_line():
    """The command a learner types to install the course into any environment."""
    return f'pip install "{install_requirement()}"'


def install_source():
    """What `setup_hosted` installs: `RNN_COURSE_INSTALL_SOURCE` if set, else the repository."""
    return os.environ.get(INSTALL_SOURCE_ENV_VAR) or install_requirement()


def _notebook_name(notebook):
    name = Path(notebook).name
    if not name.endswith(".ipynb"):
        raise ValueError(
            f"Argument `notebook` must name a notebook file (.ipynb). "
            f"Received: notebook={notebook!r}"
        )
    return name


def colab_url(notebook):
    """The address that opens `notebooks/<notebook>` of the repository in Colab.

    Args:
        notebook: the notebook's file name (or path), e.g. `"01_rnn_loop.ipynb"`.
    """
    owner, name = github_repository()
    return (
        f"https://colab.research.google.com/github/{owner}/{name}/blob/{BRANCH}/"
        f"notebooks/{_notebook_name(notebook)}"
    )


def binder_url(notebook=None):
    """The address that opens the course in JupyterLab on Binder.

    Args:
        notebook: a notebook's file name to open; `None` opens the `notebooks/` folder.
    """
    owner, name = github_repository()
    path = "notebooks" + (f"/{_notebook_name(notebook)}" if notebook is not None else "")
    return f"https://mybinder.org/v2/gh/{owner}/{name}/{BRANCH}?urlpath=lab/tree/{path}"


def launch_links_markdown(notebook):
    """The line at the top of a notebook that opens it in Colab or on Binder.

    Plain text links, not badge images: a badge is fetched from the web, so
    offline (a classroom, the browser tests) it shows as a broken image, and
    it would tell a third party that the notebook was opened.
    """
    return (
        f"*Open this notebook in [Google Colab]({colab_url(notebook)}) or on "
        f"[Binder]({binder_url(notebook)}), or run it locally (see the README).*"
    )


def in_hosted_service():
    """True inside Google Colab, whose kernel has imported `google.colab`."""
    return "google.colab" in sys.modules


def _installed_versions():
    """Every installed distribution, `{normalized name: version}`, first found wins."""
    from packaging.utils import canonicalize_name

    versions = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonicalize_name(name), dist.version)
    return versions


def course_requirements():
    """The course's own requirements (extras left out), read from its installed metadata.

    Returns:
        A list of `packaging.requirements.Requirement`.
    """
    from packaging.requirements import Requirement

    requirements = [Requirement(text) for text in importlib.metadata.requires(DISTRIBUTION) or []]
    return [r for r in requirements if not r.marker or r.marker.evaluate({"extra": ""})]


def _unmet_requirements(installed):
    """The course's requirements that are absent and those installed outside its ranges."""
    from packaging.utils import canonicalize_name

    missing, outside = [], []
    for requirement in course_requirements():
        version = installed.get(canonicalize_name(requirement.name))
        if version is None:
            missing.append(str(requirement))
        elif not requirement.specifier.contains(version, prereleases=True):
            outside.append(
                f"{requirement.name} {version} (the course is tested with {requirement.specifier})"
            )
    return missing, outside


def _pip_install(*args):
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--root-user-action=ignore",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"Installing the course failed ({' '.join(command)}):\n"
            f"{(result.stderr or result.stdout)[-2000:]}"
        )


def setup_hosted():
    """Sets the course up in a hosted notebook service; does nothing anywhere else.

    In Colab it installs the course's package (non-editable, from
    `RNN_COURSE_INSTALL_SOURCE` if set, else the repository) if it is not
    installed yet, then only those of its dependencies the service lacks, with
    every preinstalled package held at its version; turns Colab's widget
    manager on; and prints one line saying what it did.

    Returns:
        `None` outside a hosted service; else a dict with `added` (the
        dependencies it installed), `kept` (`{package: version}` of the
        preinstalled TensorFlow, Keras, NumPy and ipywidgets) and `untested`
        (preinstalled packages outside the course's tested ranges, left as
        they are).
    """
    if not in_hosted_service():
        return None
    from packaging.utils import canonicalize_name

    try:
        importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:  # imported from a clone, not installed
        _pip_install("--no-deps", install_source())
    versions = _installed_versions()
    missing, untested = _unmet_requirements(versions)
    if missing:
        pins = "".join(
            f"{name}=={version}\n"
            for name, version in versions.items()
            if name != canonicalize_name(DISTRIBUTION)
        )
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
            constraints.write(pins)
        try:
            _pip_install("--constraint", constraints.name, *missing)
        finally:
            os.unlink(constraints.name)
        importlib.invalidate_caches()
    from google.colab import output

    output.enable_custom_widget_manager()
    kept = {name: versions[name] for name in KEPT if name in versions}
    print(
        f"Colab set-up: {DISTRIBUTION} {importlib.metadata.version(DISTRIBUTION)} from "
        f"{install_source()}; added {', '.join(missing) or 'no other package'}; kept "
        f"{', '.join(f'{n} {v}' for n, v in kept.items())} as preinstalled"
        + (f"; untested: {'; '.join(untested)}" if untested else "")
        + "; widgets on."
    )
    return {"added": missing, "kept": kept, "untested": untested}


def course_version():
    """The installed course's version (`[project] version` in `pyproject.toml`)."""
    return importlib.metadata.version(DISTRIBUTION)


def version_note(written_for):
    """One line when the installed course is not the version a notebook was written for.

    On a class's hub, nbgitpuller updates the notebooks while the package stays
    what the server installed, so a notebook can call what its package lacks.

    Args:
        written_for: the version the notebook's set-up cell names.
    """
    installed = course_version()
    if installed == written_for:
        return None
    return (
        f"This notebook was written for the course's version {written_for}, and version "
        f"{installed} of its package (lesson_utils) is installed: some cells may fail. Update "
        f'the package (pip install --upgrade "{install_requirement()}"), or on a class\'s hub '
        "ask your instructor to."
    )


def setup_notebook(written_for=None):
    """Every notebook's set-up cell: the hosted set-up, TensorFlow loaded quietly, the seed said.

    TensorFlow writes its start-up lines (oneDNN, CPU features, CUDA) to standard
    error, a red box under whichever cell first imports it; loading it here,
    quietly, keeps them away whatever the cells after this one import first.

    Args:
        written_for: the course version the notebook was written for (its
            set-up cell names it); a different installed version is said in
            one line (`version_note`). `None` checks nothing.

    Returns:
        What `setup_hosted` returned: `None` outside a hosted service.
    """
    result = setup_hosted()
    note = version_note(written_for) if written_for is not None else None
    if note:
        print(note)
    import_tensorflow_quietly()
    seed = course_seed()
    if seed != DEFAULT_SEED:
        print(
            f"Seed {seed}, from {SEED_ENV_VAR} (the course's is {DEFAULT_SEED}): trained "
            "results differ from seed to seed; the notebook's checks hold for any."
        )
    return result


def setup_cell_source():
    """The source of every notebook's first code cell, derived from the repository's address.

    In a hosted service the cell fetches the course's package (without its
    dependencies, so nothing preinstalled changes) and hands over to
    `setup_notebook`; elsewhere it loads TensorFlow quietly and says which seed
    runs when `RNN_COURSE_SEED` is set. It names the course version the
    notebook is written for, so that an older package says so.
    """
    return (
        "# Set-up: in a hosted notebook service (Colab), install the course; everywhere, load\n"
        "# TensorFlow quietly and say which seed runs.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import os\n"
        "    import subprocess\n"
        "\n"
        f'    course = os.environ.get("{INSTALL_SOURCE_ENV_VAR}",\n'
        f'                            "{install_requirement()}")\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",\n'
        '                    "--root-user-action=ignore", course],\n'
        "                   check=True, stderr=subprocess.STDOUT)\n"
        "from lesson_utils.hosted import setup_notebook\n"
        "\n"
        f'setup_notebook(written_for="{course_version()}")\n'
    )
