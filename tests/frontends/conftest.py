"""Shared by the frontend tests: torch runs on one thread (small models, pytest-xdist workers)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _one_torch_thread():
    try:
        import torch
    except ImportError:  # the torch tests skip themselves; the JAX ones need no pinning
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
