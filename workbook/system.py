"""Debian packages the workbook needs beyond PyPI, installed when missing.

    python3 -m workbook.system            # what `make test` runs first

As root it runs apt-get; as anyone else it prints the one command to run. Standard library only:
it runs before the virtualenv exists.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

# Debian package -> a program it provides (how we tell it is installed).
PACKAGES = {
    "chromium": "chromium",  # the real browser for the pages with JavaScript (Playwright drives it)
    "mariadb-server": "mariadbd",  # chapter 11: a private MariaDB per test session / app run
    "redis-server": "redis-server",  # chapter 12: sessions in Redis
    "memcached": "memcached",  # chapter 12: sessions in memcached
    "wrk": "wrk",  # make bench: the HTTP load generator
}


def missing() -> list[str]:
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin"])
    return [pkg for pkg, program in PACKAGES.items() if not shutil.which(program, path=path)]


def main() -> int:
    todo = missing()
    if not todo:
        return 0
    command = ["apt-get", "install", "-y", *todo]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"The workbook needs: {' '.join(todo)}. Install them with: "
              f"sudo apt-get update && sudo {' '.join(command)}", file=sys.stderr)
        return 1
    print(f"Installing Debian packages: {' '.join(todo)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*command, "-qq"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
