from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development-only key: production.py refuses to start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-7f3a9c")
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
