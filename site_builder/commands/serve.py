"""`site-builder serve`: build, serve on loopback, rebuild on edits, reload open pages."""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from ..config import ConfigError
from ..output.target import OutputRefused, check_build_output
from .build import load
from .options import add_drafts_option, add_input_options, add_jobs_option, port_number


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=port_number, default=8000, help="port (default: 8000; 0 picks a free one)")
    add_input_options(p)
    p.add_argument("--output", type=Path, default=None,
                   help="folder to build into (default: a temporary folder, removed on exit)")
    add_jobs_option(p)
    add_drafts_option(p)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # `kill` stops the server as cleanly as Ctrl-C


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: every command's options are defined at start-up, and the
    # server (http.server, watchfiles) and the session would slow every other command's start.
    from ..incremental import Session
    from ..parallel import default_jobs
    from ..server import DevServer
    from ..server.app import is_loopback

    if args.output:  # before listening: the server's builds replace this folder whole
        try:
            check_build_output(args.output, args.content, load(argparse.Namespace(config=args.config, base_url=None))[1])
        except (OutputRefused, ConfigError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    temp = None if args.output else Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
    output = args.output or temp / "site"
    try:
        # Only loopback names are answered unless the site is shared on the network (DevServer).
        server = DevServer(args.host, args.port, output, check_host=is_loopback(args.host))
    except OSError as exc:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    # Links are built for the address served, whatever base_url the config has for the public site.
    where = argparse.Namespace(config=args.config, base_url=server.url, drafts=args.drafts)
    config_path = (args.config if args.config is not None else Path("site.yaml")).resolve()

    session: list[Session] = []

    def build_once():
        config, site_root = load(where)
        if not session:
            session.append(Session(args.content, output, site_root, jobs=args.jobs or default_jobs()))
        # A text edit re-renders only what it affects (incremental/); anything else is a full
        # build that uses the build cache.
        return session[0].build(config)

    if not is_loopback(args.host):
        print(f"warning: listening on {args.host}: other machines on the network can read the site", file=sys.stderr)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start(build_once, args.content, config_path.parent, config_path)
        print(f"Serving {output} at {server.url} (Ctrl-C to stop)", flush=True)
        server.wait()
    except KeyboardInterrupt:  # during the first build; wait() handles the rest
        print("\nstopping", flush=True)
    finally:
        server.stop()
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    return 0
