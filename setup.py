"""Build hook for the optional compiled BSON codec (``bson._cbson``).

All project metadata lives in pyproject.toml; this file only declares the C extension.
When there is no compiler, no Python headers, or the build fails, a warning is printed
and the install goes on: ``bson`` then uses its pure-Python codec (``bson.has_c()`` is
False), which behaves the same.
"""
from __future__ import annotations

import os
import sys
from glob import glob

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that turns a failed compile into a warning."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure falls back to pure Python
            self._warn(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._warn(exc)

    @staticmethod
    def _warn(exc: Exception) -> None:
        print(f"WARNING: the C extension bson._cbson could not be built ({exc}); "
              "bson will use its pure-Python codec (same behaviour, slower).", file=sys.stderr)


SOURCES = sorted(glob(os.path.join("bson", "_cext", "*.c")))

setup(
    ext_modules=[Extension("bson._cbson", sources=SOURCES, depends=["bson/_cext/cbson.h"],
                           optional=True)],
    cmdclass={"build_ext": OptionalBuildExt},
)
