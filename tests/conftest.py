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
