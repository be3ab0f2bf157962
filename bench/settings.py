"""Settings for the benchmark server: test settings, a bench URLconf with a bare DRF endpoint, no rate limit.

Tasks are not run in the request (the test settings run them eagerly): as in production, a request enqueues them
on commit (the event relay, emails) to the broker, here on a queue of the bench's own that no worker reads. The
bench relays what the load left in the outbox itself afterwards and reports it apart (bench/dealreg/measure.py)."""

from prm.settings.test import *  # noqa: F403
from prm.settings.test import REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"credential": "100000000/min"}}
BENCH_TASK_QUEUE = "prm-bench"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = BENCH_TASK_QUEUE
