"""Saved benchmark results (JSON).

Written by `course_tools.bench` and `course_tools.notebook_timing`; read by notebook 04
and the instructor guide's test.
"""
