"""Helpers the test layers share: imported by the conftests and the tests, never collected as tests.

``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so a test writes
``from support.web import serve_folder``; no test module imports another.
"""
