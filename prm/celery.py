import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings.dev")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules inside the core package (prm.tasks is found above).
app.autodiscover_tasks(["prm.webhooks", "prm.notifications"])
