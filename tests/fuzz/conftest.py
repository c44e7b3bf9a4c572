"""Hypothesis profiles for the fuzz tests.

"ci" (the default) is derandomized: the same examples on every run, so a failure in CI
is the same failure on a laptop, and it needs no example database (nothing is written
under the repository). For a longer random hunt:
HYPOTHESIS_PROFILE=explore pytest tests/fuzz
"""

import os

from hypothesis import HealthCheck, settings

# Examples are whole HTTP requests or socket round trips, far slower than Hypothesis expects.
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=SLOW_IS_FINE
)
settings.register_profile(
    "explore", max_examples=2000, deadline=None, database=None, suppress_health_check=SLOW_IS_FINE
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
