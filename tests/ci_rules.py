"""What a test does when something it needs is missing: skip here, fail on CI."""

import os

import pytest


def skip_or_fail(reason):
    """Skips the test, or fails it on CI (where `CI` is set), with `reason`."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)
