"""Command line: ``python -m mongofw plugins`` lists what is loaded."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _plugins_command(args: argparse.Namespace) -> int:
    from mongofw.plugin_manager import DISABLE_ENV, create_plugin_manager, describe

    pm = create_plugin_manager()
    infos = describe(pm)
    if not infos:
        print("no mongofw plugins are installed; is mongofw installed (pip install -e .)?")
        return 1
    width = max(len(info.name) for info in infos)
    for info in infos:
        print(f"{info.name:<{width}}  {info.distribution} {info.version}")
        for hook in info.hooks:
            print(f"{'':<{width}}    {hook}")
    blocked = [name for name, plugin in pm.list_name_plugin() if plugin is None]
    if blocked:
        print(f"disabled by {DISABLE_ENV}: {', '.join(sorted(blocked))}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mongofw")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("plugins", help="list loaded plugins, their distributions and hooks")
    args = parser.parse_args(argv)
    if args.command == "plugins":
        return _plugins_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
