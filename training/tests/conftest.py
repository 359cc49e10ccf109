"""Under CI=true a skipped test fails: CI installs everything the tests need (scripts/ensure-deps.sh installs
training/requirements-ci.txt, CPU torch included), so a skip there means a Python half of a check silently did not run."""

from __future__ import annotations

import os

import pytest


def _in_ci() -> bool:
    return os.environ.get('CI', '').lower() in ('1', 'true', 'yes')


def _fail_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if _in_ci() and report.skipped and not hasattr(report, 'wasxfail'):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = 'failed'
        report.longrepr = f'skipped under CI=true (a skip must not hide a check in CI): {reason}'


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """Module-level pytest.importorskip skips at collection, before any test report exists."""
    outcome = yield
    _fail_skip(outcome.get_result())
