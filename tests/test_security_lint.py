"""`make test` runs ruff with its security rules (flake8-bandit, "S"): product code must stay clean under them."""

import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCT = ["response_platform", "video", "referrals", "followups", "manage.py"]


def ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
        cwd=BASE_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_product_code_passes_the_security_rules():
    result = ruff("--select", "S", *PRODUCT)
    assert result.returncode == 0, result.stdout


def test_the_project_lint_catches_shell_injection_in_product_code():
    snippet = "import subprocess\n\n\ndef run(name):\n    subprocess.run(f'ls {name}', shell=True)\n"
    result = ruff("--stdin-filename", "response_platform/example.py", "-", stdin=snippet)
    assert result.returncode == 1 and "S602" in result.stdout
