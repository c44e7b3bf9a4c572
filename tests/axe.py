"""axe-core inside the browser tests: WCAG 2.2 A and AA rules, zero violations allowed.

axe-core comes from npm (package.json, `make setup`); it is injected by the test and
never served. The page's Content-Security-Policy allows only its own scripts, so the
scan runs in a context made with `bypass_csp=True`.
"""

import json
import os
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_source() -> str:
    if AXE.exists():
        return AXE.read_text(encoding="utf-8")
    message = f"{AXE} missing: run `npm ci` (make setup)."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def violations(page) -> list[dict]:
    """Run axe on the page as it is now and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        WCAG_AA,
    )


def readable(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_accessible(page, where: str) -> None:
    found = violations(page)
    assert not found, f"axe-core found WCAG problems on {where}:\n{readable(found)}"
