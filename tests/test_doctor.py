"""`python -m lesson_utils doctor`, with each problem simulated."""

import importlib
import importlib.metadata
import sys
import types

import pytest
from packaging.specifiers import SpecifierSet

from course_tools import doctor
from course_tools.cli import main


def _statuses(checks):
    return {check.what.split()[0]: check.status for check in checks}


@pytest.fixture
def healthy(monkeypatch, fake_imdb, tmp_path):
    """A machine with everything: local IMDB data, writable folders, Chromium."""
    monkeypatch.setenv("IMDB_DATA_DIR", str(fake_imdb))
    monkeypatch.setenv("RNN_COURSE_MODELS_DIR", str(tmp_path / "models"))
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    monkeypatch.setattr(doctor, "CHROMIUM_PATH", str(chromium))
    monkeypatch.setattr(doctor, "_reachable", lambda url, timeout=5: pytest.fail("no network here"))


def test_a_healthy_machine_passes_with_one_line_per_check(healthy, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor"])
    out = capsys.readouterr().out.splitlines()
    assert exit_info.value.code == 0, "\n".join(out)
    assert len(out) == len(doctor.run_checks()) + 1
    assert all(line.startswith("[ok]") for line in out[:-1])


def test_an_unsupported_python_fails_and_names_the_supported_ones():
    check = doctor.check_python(SpecifierSet(">=3.10,<3.14"), "3.14.0")
    assert check.status == doctor.FAIL and "3.10" in check.detail and "Colab" in check.detail
    assert doctor.check_python(SpecifierSet(">=3.10,<3.14"), "3.13.0").status == doctor.OK


def test_tensorflow_that_does_not_import_fails_with_what_to_install(monkeypatch):
    real_import = importlib.import_module

    def broken(name, *args):
        if name == "tensorflow":
            raise ImportError("libtensorflow_framework.so.2: cannot open shared object file")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", broken)
    check = doctor.check_package("tensorflow", SpecifierSet(">=2.20,<2.22"))
    assert check.status == doctor.FAIL
    assert (
        "libtensorflow_framework" in check.detail
        and 'pip install "tensorflow<2.22,>=2.20"' in check.detail
    )


def test_a_keras_outside_the_tested_range_fails(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.SimpleNamespace(__version__="2.15.0"))
    check = doctor.check_package("keras", SpecifierSet(">=3.12,<4"))
    assert check.status == doctor.FAIL and "keras 2.15.0" == check.what


def _versions(monkeypatch, **versions):
    monkeypatch.setattr(doctor, "_installed_version", lambda name: versions.get(name))


@pytest.mark.parametrize(
    "widgets, extension, lab, status",
    [
        ("8.1.5", "3.0.13", "4.2.0", doctor.OK),
        ("7.7.1", "1.1.7", "3.6.0", doctor.OK),
        ("8.1.5", "1.1.7", "3.6.0", doctor.FAIL),  # widgets 8 with the old extension
        ("7.7.1", "3.0.17", "3.6.0", doctor.FAIL),  # widgets 7 with the new extension
        ("7.7.1", "1.1.7", "4.2.0", doctor.FAIL),  # JupyterLab 4 renders widgets 8 only
        ("8.1.5", None, "4.2.0", doctor.FAIL),  # no extension at all
        ("7.7.1", "3.0.17", None, doctor.OK),  # no JupyterLab here to render anything
    ],
)
def test_widgets_and_their_jupyterlab_extension_must_agree(
    monkeypatch, widgets, extension, lab, status
):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    _versions(monkeypatch, ipywidgets=widgets, jupyterlab_widgets=extension, jupyterlab=lab)
    check = doctor.check_widgets()
    assert check.status == status, check
    if status == doctor.FAIL:
        assert "pip install" in check.detail


def test_widgets_in_a_hosted_service_are_its_business(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    _versions(monkeypatch, ipywidgets="7.7.1", jupyterlab_widgets="3.0.17", jupyterlab="4.2.0")
    assert doctor.check_widgets().status == doctor.OK


def test_missing_ipywidgets_fails(monkeypatch):
    _versions(monkeypatch)
    assert doctor.check_widgets().status == doctor.FAIL


def test_imdb_from_a_missing_local_folder_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "nowhere"))
    check = doctor.check_imdb()
    assert check.status == doctor.FAIL and "nowhere" in check.detail and "\n" not in check.detail


def test_imdb_from_a_local_copy_says_so(fake_imdb, monkeypatch):
    monkeypatch.setenv("IMDB_DATA_DIR", str(fake_imdb))
    check = doctor.check_imdb()
    assert check.status == doctor.OK and str(fake_imdb) in check.detail


@pytest.mark.parametrize(
    "cached, online, status",
    [(True, False, doctor.OK), (False, True, doctor.OK), (False, False, doctor.FAIL)],
)
def test_imdb_from_keras_needs_its_cache_or_the_network(
    monkeypatch, tmp_path, cached, online, status
):
    monkeypatch.delenv("IMDB_DATA_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    if cached:
        (tmp_path / "datasets").mkdir()
        (tmp_path / "datasets" / "imdb.npz").write_bytes(b"")
    monkeypatch.setattr(doctor, "_reachable", lambda url, timeout=5: online)
    check = doctor.check_imdb()
    assert check.status == status, check
    if status == doctor.FAIL:
        assert "IMDB_DATA_DIR" in check.detail


def test_a_folder_that_cannot_be_written_fails_and_names_the_variable(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    check = doctor.check_writable("models folder", blocker / "models", "RNN_COURSE_MODELS_DIR")
    assert check.status == doctor.FAIL and "RNN_COURSE_MODELS_DIR" in check.detail
    assert doctor.check_writable("models folder", tmp_path / "models", "X").status == doctor.OK


def test_missing_chromium_is_only_a_warning(healthy, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(doctor, "CHROMIUM_PATH", str(tmp_path / "no_chromium"))
    assert _statuses(doctor.run_checks())["Chromium"] == doctor.WARN
    assert doctor.doctor() == 0
    assert "[warning] Chromium" in capsys.readouterr().out


def test_one_failure_makes_the_exit_status_non_zero(healthy, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("IMDB_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor"])
    assert exit_info.value.code == 1
    assert "[FAIL] IMDB data" in capsys.readouterr().out


def test_the_course_not_installed_fails(monkeypatch):
    def not_found(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", not_found)
    checks = doctor.run_checks()
    assert [c.status for c in checks] == [doctor.FAIL] and "pip install" in checks[0].detail
