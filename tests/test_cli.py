"""The command line, run as a user runs it."""
import json
import subprocess
import sys

from tests.conftest import CONTENT, ROOT, SEEDS


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "site_builder", *args], cwd=cwd, capture_output=True, text=True)


def test_build_prints_a_summary_and_exits_zero(tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text("title: CLI test\n", encoding="utf-8")
    result = run("build", "--content", str(CONTENT), "--output", str(tmp_path / "out"), "--config", str(cfg),
                 "--base-url", "https://example.org/notes/")
    assert result.returncode == 0, result.stderr
    for word in ["files read", "records", "papers", "pages written", "warnings"]:
        assert word in result.stdout
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="/notes/papers/"' in home  # links follow the base URL's path
    assert '<link rel="canonical" href="https://example.org/notes/">' in home


def test_bad_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "site.yaml"
    cfg.write_text("titel: x\n", encoding="utf-8")
    result = run("build", "--content", str(CONTENT), "--output", str(tmp_path / "out"), "--config", str(cfg))
    assert result.returncode == 2
    assert "unknown key 'titel'" in result.stderr and "title" in result.stderr


def test_missing_content_folder(tmp_path):
    result = run("build", "--content", str(tmp_path / "nope"), "--output", str(tmp_path / "out"))
    assert result.returncode == 2 and "content folder not found" in result.stderr


def test_the_program_ends_fast_but_still_runs_exit_handlers_and_flushes(tmp_path):
    # entry() leaves with os._exit (no heap teardown): what a normal exit does first must still happen.
    script = ("import atexit, sys; from site_builder import cli; "
              "atexit.register(lambda: print('exit handler ran', file=sys.stderr)); "
              f"sys.argv = ['site-builder', 'build', '--content', {str(CONTENT)!r}, '--output', {str(tmp_path / 'out')!r}, "
              "'--strict', '--config', 'missing.yaml']; cli.entry()")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2  # main()'s code, passed on
    assert "exit handler ran" in result.stderr and "error:" in result.stderr  # buffered output not lost
    built = subprocess.run([sys.executable, "-c", script.replace("'--strict', '--config', 'missing.yaml'", "")], cwd=tmp_path,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "pages written" in built.stdout and "exit handler ran" in built.stderr  # stdout is a pipe: block-buffered


def test_import_then_build_gives_the_same_data(tmp_path):
    sources = sorted((CONTENT / "shortscience").glob("*.txt")) + sorted((CONTENT / "statwiki").glob("*.txt"))
    if SEEDS.is_dir():
        sources += sorted(SEEDS.glob("*.txt"))
    direct = tmp_path / "direct"
    for src in sources:
        (direct / src.name).parent.mkdir(parents=True, exist_ok=True)
        (direct / src.name).write_bytes(src.read_bytes())
    result = run("import", *map(str, sources), "--to", str(tmp_path / "records"))
    assert result.returncode == 0, result.stderr
    assert all(p.read_text(encoding="utf-8").startswith("---\n") for p in (tmp_path / "records").glob("*.md"))
    for folder in ("direct", "records"):
        r = run("build", "--content", str(tmp_path / folder), "--output", str(tmp_path / f"out-{folder}"), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    for name in ("papers.json", "summaries.json"):
        a = json.loads((tmp_path / "out-direct" / "api" / name).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "out-records" / "api" / name).read_text(encoding="utf-8"))
        assert a == b


def test_a_build_with_nothing_changed_loads_neither_jinja_nor_the_renderers(tmp_path):
    # The commonest build only stats files and reads the last report; start-up was half of it.
    out = tmp_path / "out"
    assert run("build", "--content", str(CONTENT), "--output", str(out), cwd=tmp_path).returncode == 0
    script = ("import sys; from site_builder import cli; "
              f"sys.argv = ['site-builder', 'build', '--content', {str(CONTENT)!r}, '--output', {str(out)!r}]; "
              "code = cli.main(); "
              "heavy = [m for m in ('jinja2', 'markdown_it', 'mwparserfromhell', 'pygments', 'site_builder.incremental.session',"
              " 'site_builder.server') if m in sys.modules]; "
              "print('loaded:', heavy); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "0 changed, 0 pages rendered" in result.stdout  # it really was the nothing-changed build
    assert "loaded: []" in result.stdout


def test_a_broken_template_override_is_a_clear_error_and_leaves_the_output(tmp_path):
    out = tmp_path / "out"
    assert run("build", "--content", str(CONTENT), "--output", str(out), cwd=tmp_path).returncode == 0
    before = (out / "index.html").read_bytes()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("{% block content %}{% endblock", encoding="utf-8")
    (tmp_path / "site.yaml").write_text("title: broken theme\n", encoding="utf-8")
    result = run("build", "--content", str(CONTENT), "--output", str(out), cwd=tmp_path)
    assert result.returncode == 2
    assert "base.html" in result.stderr and "template error" in result.stderr
    assert "previous output was left as it was" in result.stderr
    assert (out / "index.html").read_bytes() == before
