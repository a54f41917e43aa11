"""Saved benchmark results (JSON), written by `course_tools.bench` and `course_tools.notebook_timing`."""
