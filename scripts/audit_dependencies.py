"""`make lint`'s dependency audit (issue "Trust", defect 12): pip-audit over requirements.txt,
which says plainly when it could not look anything up — a machine that reaches no vulnerability
source gets "BLIND", never a false "no known vulnerabilities". Fails on a known vulnerability."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUDIT = [str(Path(sys.executable).with_name("pip-audit")), "-r", str(ROOT / "requirements.txt"), "-f", "json",
         "--progress-spinner", "off"]  # fmt: skip


def run(source: str) -> tuple[dict | None, str]:
    try:
        done = subprocess.run([*AUDIT, "-s", source], capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, last[:300]


def main() -> int:
    reasons = []
    for source in ("pypi", "osv"):
        report, error = run(source)
        if report is None:
            reasons.append(f"{source}: {error}")
            continue
        deps = report.get("dependencies", [])
        audited = [d for d in deps if "skip_reason" not in d]
        if not audited:
            reasons.append(f"{source}: none of the {len(deps)} dependencies could be looked up")
            continue
        found = [(d["name"], d["version"], v["id"]) for d in audited for v in d.get("vulns", [])]
        for name, version, vuln in found:
            print(f"dependency audit: {name} {version} has {vuln}")
        skipped = len(deps) - len(audited)
        if found:
            return 1
        found_where = f"dependency audit ({source}): {len(audited)} audited, {skipped} not found there"
        print(f"{found_where}; no known vulnerability")
        return 0
    print("dependency audit: BLIND — no vulnerability source could be used from this machine, so nothing is")
    print("claimed about known vulnerabilities. " + "; ".join(reasons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
