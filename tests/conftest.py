"""Suite-wide settings.

Hypothesis' per-example deadline measures wall time, which on a shared 2-core CI
machine says more about the neighbours than about our parsers: speed is the
benchmarks' job (tests/benchmarks/), so property tests run without a deadline.
"""

from hypothesis import settings

settings.register_profile("salesflow", deadline=None, print_blob=True)
settings.load_profile("salesflow")
