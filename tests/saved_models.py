"""Saved models as another Keras, or a class's read-only folder, would leave them (for tests)."""

import contextlib
import json
import os
import subprocess
import zipfile

import keras
import pytest


def written_by(path, version):
    """Rewrites a saved model's `metadata.json` as if Keras `version` had written it."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    metadata = json.loads(entries["metadata.json"])
    entries["metadata.json"] = json.dumps(dict(metadata, keras_version=version)).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def other_minor_version():
    major, minor = keras.__version__.split(".")[:2]
    return f"{major}.{int(minor) + 1}.0"


@contextlib.contextmanager
def read_only(folder):
    """Makes `folder` read-only, even for root (which chmod does not stop), then writable again."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        folder.chmod(0o755)
        pytest.skip("running as root where chattr +i is not possible: a folder cannot be read-only")
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
