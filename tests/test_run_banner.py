"""`make run` prints the demo logins before Django is set up in its process."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_run_banner_prints_the_demo_logins_without_django_set_up():
    script = "import prm.run as run; run._banner()"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "admin@demo.example" in result.stdout and "Partner admin, Northwind Secure Solutions" in result.stdout
