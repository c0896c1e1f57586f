"""The command line, run as a user runs it."""
import json
import subprocess
import sys

import pytest

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
    # The whole site, too: collection names ("STAT 441, Winter 2024", not stat441w24) and pages
    # survive the round trip through front matter (collection_name, collection_url).
    direct, records = (sorted((tmp_path / f"out-{f}").rglob("*")) for f in ("direct", "records"))
    assert [p.relative_to(tmp_path / "out-direct") for p in direct] == [p.relative_to(tmp_path / "out-records") for p in records]
    for a, b in zip(direct, records):
        assert a.is_dir() or a.read_bytes() == b.read_bytes(), a
    assert any("collection_name: STAT 441, Winter 2024" in p.read_text(encoding="utf-8")
               for p in (tmp_path / "records").glob("*.md"))


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
    assert result.returncode == 3  # a build failure (2 is for usage and config mistakes)
    assert "base.html" in result.stderr and "template error" in result.stderr
    assert "previous site in" in result.stderr and "was left as it was" in result.stderr
    assert (out / "index.html").read_bytes() == before


# -- issue 25: exit codes (0 ok, 1 warnings under --strict, 2 usage or config, 3 build failure) --

def main_code(capsys, *args) -> tuple[int, str]:
    """cli.main in this process (fast): its exit code and what it printed on stderr."""
    from site_builder import cli

    try:
        code = cli.main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("text, words", [
    ("topics: [{match: [x]}]\n", ["topics[0]", "'topic'"]),
    ("topics: [{topic: 5, match: [x]}]\n", ["topics[0].topic"]),
    ("topics: [{topic: X, match: [1, 2]}]\n", ["topics[0].match[0]"]),
    ("topics: [{topic: X, match: dropout}]\n", ["topics[0].match", "[dropout]"]),
    ("base_url: example.org/notes/\n", ["base_url", "absolute"]),
])
def test_config_mistakes_are_one_message_and_exit_2(tmp_path, capsys, text, words):
    cfg = tmp_path / "site.yaml"
    cfg.write_text(text, encoding="utf-8")
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"), "--config", str(cfg))
    assert code == 2
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("error: "), err
    assert all(w in err for w in words), err
    assert not (tmp_path / "out").exists()


def test_a_folder_as_config_is_exit_2(tmp_path, capsys):
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"), "--config", str(tmp_path))
    assert code == 2 and "folder" in err and "Traceback" not in err


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_a_positive_number(tmp_path, capsys, jobs):
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"), "--jobs", jobs)
    assert code == 2 and "--jobs" in err and "Traceback" not in err


def test_base_url_option_without_a_scheme_is_exit_2(tmp_path, capsys):
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"),
                          "--base-url", "example.org/notes")
    assert code == 2 and "--base-url" in err and "absolute" in err


def test_usage_mistakes_are_exit_2(capsys):
    assert main_code(capsys, "build", "--no-such-option")[0] == 2
    assert main_code(capsys, "no-such-command")[0] == 2
    code, err = main_code(capsys, "serve", "--port", "70000")
    assert code == 2 and "--port" in err


def test_an_empty_content_folder_is_a_warning_and_an_error_under_strict(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    cfg = tmp_path / "site.yaml"
    cfg.write_text("search: false\n", encoding="utf-8")
    args = ["build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "out"), "--config", str(cfg),
            "--quiet", "--jobs", "1"]
    code, err = main_code(capsys, *args)
    assert code == 0 and "warning" in err and "no input files" in err
    code, err = main_code(capsys, *args, "--strict")
    assert code == 1 and "no input files" in err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_template_error_names_file_and_line_with_any_jobs(tmp_path, capsys, monkeypatch, jobs):
    # 53 pages: enough for --jobs 2 to render them in forked workers.
    from site_builder.output.theme import theme_dir

    (tmp_path / "templates").mkdir()
    base = (theme_dir("templates") / "base.html").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(base) if "<body" in line) + 1
    base.insert(at, "{{ page_title_that_does_not_exist }}\n")
    (tmp_path / "templates" / "base.html").write_text("".join(base), encoding="utf-8")
    cfg = tmp_path / "site.yaml"
    cfg.write_text("search: false\n", encoding="utf-8")
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"),
                          "--config", str(cfg), "--jobs", jobs, "--quiet")
    assert code == 3
    assert f"base.html:{at + 1}:" in err and "page_title_that_does_not_exist" in err, err
    assert "Traceback" not in err


def test_an_unexpected_failure_is_exit_3(tmp_path, capsys, monkeypatch):
    from site_builder import pipeline

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "build_catalog", broken, raising=False)
    monkeypatch.setattr("site_builder.catalog.build_catalog", broken)
    cfg = tmp_path / "site.yaml"
    cfg.write_text("search: false\n", encoding="utf-8")
    code, err = main_code(capsys, "build", "--content", str(CONTENT), "--output", str(tmp_path / "out"),
                          "--config", str(cfg), "--jobs", "1", "--quiet", "--ignore-cache")
    assert code == 3 and "No space left on device" in err and err.startswith("error: ")


def test_ignore_cache_and_its_alias_clean():
    # --clean in MkDocs and Hugo removes stale output; ours never has any (each build is swapped in
    # whole), so --clean is accepted as "from scratch" too: it ignores the cache like --ignore-cache.
    from site_builder.cli import make_parser

    parser = make_parser()
    assert parser.parse_args(["build", "--ignore-cache"]).ignore_cache is True
    assert parser.parse_args(["build", "--clean"]).ignore_cache is True
    assert parser.parse_args(["build"]).ignore_cache is False
    help_text = parser._subparsers._group_actions[0].choices["build"].format_help()
    assert "--ignore-cache" in help_text and "--clean" in help_text and "same as --ignore-cache" in help_text
