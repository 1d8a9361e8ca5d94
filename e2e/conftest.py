"""pytest wiring: one local environment for the whole session.

By default the session starts its own environment in a fresh temporary directory (free
ports, so two runs can share a machine) and stops it at the end, on failure and on Ctrl-C;
its processes are also tied to pytest's life, so even `kill -9` of pytest stops them.
Set SERIN_E2E_REUSE=<state dir> (e.g. .e2e/demo after `make demo`) to run tests against a
running environment instead, which the session then leaves running.
"""
import os
import signal
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import localenv  # noqa: E402


def pytest_configure(config):
    # CI and `timeout` stop with SIGTERM: turn it into the same clean teardown as Ctrl-C.
    def on_term(signum, frame):
        raise KeyboardInterrupt()

    signal.signal(signal.SIGTERM, on_term)
    # pytest-xdist workers are started with Ctrl-C ignored (the controller is meant to stop
    # them); a worker must instead stop its own environment at once.
    if hasattr(config, "workerinput"):
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def env():
    reuse = os.environ.get("SERIN_E2E_REUSE")
    if reuse:
        yield localenv.LocalEnv.load(reuse)
        return
    state_dir = tempfile.mkdtemp(prefix="serin-e2e-")
    e = localenv.LocalEnv(state_dir, tied_to_parent=True)
    try:
        try:
            e.up()
        except localenv.EnvError as err:
            pytest.exit(f"local environment failed to start: {err}", returncode=3)
        yield e
    finally:
        e.down()
