"""Shared set-up for the end-to-end tests: they drive the built kernel through real Jupyter clients.

`make test` sets CK_BINARY (the release binary) and JUPYTER_PATH (the venv's share/jupyter, where
`connectome-kernel install --prefix .venv` put the kernelspec). Run the tests through make, or set
both by hand.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
KERNEL_NAME = "connectome"
OUTPUT_DIR = pathlib.Path(os.environ.get("CK_TEST_OUTPUT", REPO / "test-output"))


def binary() -> str:
    path = os.environ.get("CK_BINARY")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("CK_BINARY is not set to the built kernel; run the end-to-end tests with `make test`")
    return path


@pytest.fixture(scope="session")
def kernel_binary() -> str:
    return binary()


@pytest.fixture(scope="session")
def output_dir() -> pathlib.Path:
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUTPUT_DIR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_eval(code: str, *extra: str, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
    """Runs `connectome-kernel eval CODE` and returns the finished process (text mode)."""
    proc = subprocess.run([binary(), "eval", *extra, code], capture_output=True, text=True, timeout=300, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"eval failed ({proc.returncode}):\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture()
def tmpdir_path():
    d = tempfile.mkdtemp(prefix="ck-e2e-")
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def sample_dataset():
    """Writes the sample dataset once, before any kernel starts, so no test sees the first-use
    progress display (which is right for a user, but not what a test of one output expects)."""
    os.environ.setdefault("XDG_CACHE_HOME", str(OUTPUT_DIR / "cache"))
    subprocess.run([binary(), "sample"], check=True, capture_output=True, timeout=300)
