"""Third-party rule packs load through the `linkerd_lint.rules` entry-point group."""

import re
import textwrap

PACK = '''
from linter.rule import Example, Severity, rule

@rule(
    id="ACME001", name="team-label-required", severity=Severity.WARNING, kinds=("Deployment",),
    summary="Deployments carry a team label.", why="On-call routing.", how_to_fix="Add labels.team.",
    references=("internal wiki",),
    bad=Example("apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: x  # <- ACME001\\n"),
    good=Example("apiVersion: apps/v1\\nkind: Deployment\\nmetadata:\\n  name: x\\n  labels: {team: a}\\n"),
)
def check(ctx):
    meta = ctx.resource.metadata
    if "team" not in ctx.resource.labels:
        ctx.report(ctx.key(meta, "name"), "no team label")
'''


def install_pack(tmp_path):
    site = tmp_path / "site"
    (site / "acme_rules").mkdir(parents=True)
    (site / "acme_rules" / "__init__.py").write_text(textwrap.dedent(PACK))
    dist = site / "acme_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[linkerd_lint.rules]\nacme = acme_rules\n")
    return {"PYTHONPATH": str(site)}


def test_pack_rules_are_listed_and_run(run_cli, tmp_path):
    env = install_pack(tmp_path)
    proc = run_cli("rules", env=env)
    assert re.search(r"^ACME001\s+team-label-required\s+warning", proc.stdout, re.M)
    (tmp_path / "d.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "-q", "--select", "ACME", "d.yaml", env=env)
    assert proc.stdout == "d.yaml:4:3: ACME001 [warning] no team label\n"
    proc = run_cli("explain", "ACME001", env=env)
    assert "team-label-required" in proc.stdout


def test_broken_pack_is_reported_not_fatal(run_cli, tmp_path):
    env = install_pack(tmp_path)
    (tmp_path / "site" / "acme_rules" / "__init__.py").write_text("raise RuntimeError('boom')\n")
    proc = run_cli("rules", env=env)
    assert proc.returncode == 0
    assert "cannot load rule pack 'acme': boom" in proc.stderr
    assert "LNK101" in proc.stdout


def test_a_crashing_check_makes_the_run_incomplete_not_all_clear(run_cli, tmp_path):
    """A check that raises found nothing because it did not run: exit 2, and the summary says
    so instead of "All clear"."""
    env = install_pack(tmp_path)
    init = tmp_path / "site" / "acme_rules" / "__init__.py"
    init.write_text(init.read_text().replace('    meta = ctx.resource.metadata\n', '    raise KeyError("boom")\n'))
    (tmp_path / "d.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
    (tmp_path / ".git").mkdir()
    proc = run_cli("check", "--select", "ACME", "d.yaml", env=env)
    assert proc.returncode == 2
    assert "internal error: ACME001 failed on d.yaml" in proc.stderr
    assert proc.stdout == "Incomplete: 1 file checked, no findings; 1 internal error (on stderr).\n"
