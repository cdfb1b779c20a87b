"""Shared by the fault-injection tests: run one claim (quick mode, seed 0) and return its status."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from spurious.claims import CheckContext, run_claims


@pytest.fixture
def claim_status() -> Callable[..., str]:
    """``claim_status(claim_id, **context)``: the claim's verdict status after the registry's discipline."""

    def status(claim_id: str, **context: object) -> str:
        (verdict,) = run_claims([claim_id], CheckContext(seed=0, quick=True, **context))
        return str(verdict.status)

    return status
