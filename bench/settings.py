"""Settings for the benchmark server: test settings, a bench URLconf with a bare DRF endpoint, no rate limit."""

from prm.settings.test import *  # noqa: F403
from prm.settings.test import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"credential": "100000000/min"}}
