"""Test configuration: deterministic hypothesis runs, float64 JAX when JAX is present."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "spurious",
    derandomize=True,
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("spurious")


import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """Small matrices + pytest-xdist workers: one BLAS thread each avoids oversubscription."""
    with threadpool_limits(limits=1):
        yield
