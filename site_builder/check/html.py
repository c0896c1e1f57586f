"""HTML validity: the W3C Nu HTML Checker (npm's `vnu-jar`) on the machine's Java.

A JVM is slow to start, so all the folders given are checked in one run.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

JAR = Path("node_modules") / "vnu-jar" / "build" / "dist" / "vnu.jar"


def find_vnu(*folders: Path) -> tuple[list[str] | None, str]:
    """(the command that runs the checker, "") or (None, why it cannot run), looking for
    node_modules/vnu-jar in each of `folders`."""
    java = shutil.which("java")
    if not java:
        return None, "java is not installed"
    for folder in folders:
        if (folder / JAR).is_file():
            return [java, "-jar", str((folder / JAR).resolve())], ""
    return None, "the npm package vnu-jar is not installed: npm install vnu-jar"


def vnu_messages(command: list[str], roots: list[Path], timeout: float = 600) -> list[dict]:
    """The checker's error messages about the HTML files under `roots`, each with `file`
    (its absolute path). Raises RuntimeError when the checker itself fails."""
    proc = subprocess.run([*command, "--errors-only", "--format", "json", "--stdout", "--skip-non-html",
                           *(str(r) for r in roots)], capture_output=True, text=True, timeout=timeout)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"vnu gave no report (exit {proc.returncode}): {proc.stderr.strip()[-300:]}") from None
    messages = []
    for msg in report.get("messages", []):
        msg["file"] = unquote(msg.get("url", "").removeprefix("file:"))
        messages.append(msg)
    return messages


def describe(msg: dict, root: Path) -> str:
    """One message as `page:line:column: message`, the page relative to `root`."""
    path = Path(msg["file"])
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else msg["file"]
    line, column = msg.get("lastLine", "?"), msg.get("firstColumn", msg.get("lastColumn", "?"))
    return f"{name}:{line}:{column}: {msg.get('type', 'error')}: {msg.get('message', '')}"
