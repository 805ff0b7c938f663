"""--stdin-filename: stdin is the input, named for positions, configuration and exclusion."""

from .test_cli import BAD, write

LINE = "web.yaml:9:28: LNK101 [error]"


def test_stdin_filename_alone_reads_stdin(run_cli, tmp_path):
    """Editors pass the buffer's name and its text; linting the directory instead would be wrong."""
    write(tmp_path, "other.yaml", BAD)  # must not be read
    proc = run_cli("check", "--select", "LNK101", "--stdin-filename", "deploy/web.yaml", stdin=BAD)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith("deploy/" + LINE)
    assert "other.yaml" not in proc.stdout
    assert "1 file" in proc.stdout


def test_paths_beside_stdin_filename_are_ignored_with_a_warning(run_cli, tmp_path):
    write(tmp_path, "other.yaml", BAD)
    proc = run_cli("check", "--select", "LNK101", "--stdin-filename", "web.yaml", "other.yaml", stdin=BAD)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith(LINE)
    assert "other.yaml" not in proc.stdout
    assert "--stdin-filename given: reading standard input, not other.yaml" in proc.stderr


def test_an_excluded_stdin_name_is_not_linted_and_fix_echoes_it(run_cli, tmp_path):
    """Excluded like the same file named on the command line; --fix still returns the text."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".linkerd-lint.yaml").write_text('exclude: ["vendor/*"]\n')
    proc = run_cli("check", "--select", "LNK101", "--stdin-filename", "vendor/web.yaml", "-", stdin=BAD)
    assert proc.returncode == 0, proc.stdout
    assert "LNK101" not in proc.stdout
    fixed = run_cli("check", "--fix", "--select", "LNK101", "--stdin-filename", "vendor/web.yaml", "-", stdin=BAD)
    assert fixed.returncode == 0 and fixed.stdout == BAD
    # the control: the same text under a name that is not excluded is linted and fixed
    proc = run_cli("check", "--select", "LNK101", "--stdin-filename", "deploy/web.yaml", "-", stdin=BAD)
    assert proc.returncode == 1 and proc.stdout.startswith("deploy/" + LINE)
    fixed = run_cli("check", "--fix", "--select", "LNK101", "--stdin-filename", "deploy/web.yaml", "-", stdin=BAD)
    assert fixed.stdout == BAD.replace('"true"', '"enabled"')
