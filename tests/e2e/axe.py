"""axe-core in the browser tests: inject the vendored axe.min.js into a Playwright page,
run it, and fail with a readable list of what it found.

    from tests.e2e.axe import assert_no_serious_violations
    assert_no_serious_violations(page, "citizen home, phone")

``assert_fits_and_passes_axe(page, label)`` adds the check that the page does not
scroll sideways (the two checks the tests make of a page at each width).

Only findings of the given impacts count (serious and critical by default); each
violation comes back as axe reports it (id, impact, help, nodes with target selectors
and, for colour contrast, the colours, font and measured ratio in ``any[].data``).
"""

from pathlib import Path

from tests.e2e.helpers import assert_no_sideways_scroll

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")

# WCAG 2.0/2.1 A and AA plus axe's best practices (landmarks, headings, region).
RUN_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def _inject(page) -> None:
    """Evaluated through the DevTools protocol, not added as an inline <script>: the
    portal's CSP (script-src 'self') refuses inline scripts, and must stay on."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")


def run_axe(page, *, impacts=SERIOUS, options=None, within: str | None = None) -> list[dict]:
    """axe's violations on the page as it is now (or only within the element the CSS
    selector ``within`` names), keeping only the given impacts."""
    _inject(page)
    results = page.evaluate(
        "([within, options]) => axe.run(within ? document.querySelector(within) : document,"
        " options)",
        [within, options if options is not None else RUN_OPTIONS],
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def _describe_node(node: dict) -> str:
    target = " ".join(str(t) for t in node.get("target", []))
    line = f"    {target}"
    for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
        data = check.get("data")
        if isinstance(data, dict) and "contrastRatio" in data:
            needs = data.get("expectedContrastRatio")
            line += (
                f"  [contrast {data.get('contrastRatio')}:1, needs {needs}"
                f"; fg {data.get('fgColor')} on bg {data.get('bgColor')}"
                f", {data.get('fontSize')} {data.get('fontWeight')}]"
            )
            break
    else:
        summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
        if summary:
            line += f"  [{summary[:200]}]"
    return line


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        nodes = violation.get("nodes", [])
        lines.append(
            f"  {violation['id']} ({violation.get('impact')}, {len(nodes)} node(s)): "
            f"{violation.get('help')}"
        )
        lines.extend(_describe_node(node) for node in nodes)
    return "\n".join(lines)


def count_nodes(violations: list[dict]) -> int:
    return sum(len(v.get("nodes", [])) for v in violations)


def assert_no_serious_violations(
    page, label: str, *, impacts=SERIOUS, within: str | None = None
) -> None:
    violations = run_axe(page, impacts=impacts, within=within)
    assert not violations, (
        f"axe-core: {count_nodes(violations)} {'/'.join(impacts)} finding(s) on {label} "
        f"({page.url}):\n{format_violations(violations)}"
    )


def assert_fits_and_passes_axe(page, label: str) -> None:
    """The page as it stands (at its viewport's width) does not scroll sideways and has
    no serious or critical axe finding; ``label`` names it in a failure."""
    assert_no_sideways_scroll(page, label)
    assert_no_serious_violations(page, label)
