"""A fresh virtual environment with mongofw installed from this checkout, without network.

mongofw's own dependencies (and setuptools, to build it without build isolation) are not
downloaded: their installed files are copied from the project's environment into a folder
that the new environment's ``.pth`` file puts on ``sys.path``, where pip counts them as
installed.  mongofw and the ``pymongo`` distribution are then built and installed as a
user would (``pip install <checkout> <checkout>/packaging/pymongo``), offline.
"""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Sequence

ROOT = Path(__file__).resolve().parents[2]
# mongofw's run-time dependencies, what building it without isolation needs, and pip (the
# venv is made without its own: ensurepip's older setuptools would come first on sys.path).
CARRIED = ("pluggy", "attrs", "structlog", "setuptools", "pip")


def run(cmd: Sequence[str], cwd: Path, env: Dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, (f"{' '.join(cmd)} failed ({done.returncode}):\n"
                                  f"{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def offline_env(venv: Path) -> Dict[str, str]:
    """The environment of a shell whose ``python`` and ``pip`` are the fresh venv's, with
    pip held to what is installed and to the environment's own setuptools."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(venv), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_CONFIG_FILE=str(venv / "pip.conf"))
    return env


def _carry(name: str, target: Path) -> None:
    dist = importlib.metadata.distribution(name)
    base = Path(dist.locate_file(""))
    for file in dist.files or ():
        if file.parts[0] == ".." or "__pycache__" in file.parts:
            continue  # scripts in bin/, byte code
        source = base / file
        if source.is_file():
            (target / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / file)


def make(where: Path) -> Path:
    """Create ``where/venv`` with mongofw installed from the checkout; return the venv."""
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    carried = where / "carried"
    for name in CARRIED:
        _carry(name, carried)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "carried.pth").write_text(f"{carried}\n")
    # `pip` on PATH, as a venv made with its own pip would have it.
    pip = venv / "bin" / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{venv / "bin" / "python"}" -m pip "$@"\n')
    pip.chmod(0o755)
    # [install] no-build-isolation: build with the environment's own setuptools.  (pip reads
    # the "no-" options from a file inverted: false means "do not isolate".)
    (venv / "pip.conf").write_text("[global]\nno-build-isolation = false\n")
    env = offline_env(venv)
    run(["python", "-m", "pip", "install", str(ROOT), str(ROOT / "packaging" / "pymongo")],
        cwd=where, env=env)
    return venv
