#!/usr/bin/env bash
# Makes sure the python3 on PATH can run the e2e suite: pytest, and pytest-xdist to run the
# test files on two workers (each with its own local environment). Everything else is the
# standard library.
set -euo pipefail
if python3 -c 'import pytest, xdist' 2>/dev/null; then
  echo "deps: pytest and pytest-xdist present for $(command -v python3)"
  exit 0
fi
echo "deps: installing pytest and pytest-xdist for $(command -v python3)"
if python3 -m pip --version >/dev/null 2>&1 &&
   python3 -m pip install --quiet --disable-pip-version-check 'pytest>=7' 'pytest-xdist>=3' 2>/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pytest python3-pytest-xdist >/dev/null
python3 -c 'import pytest, xdist' || { echo "deps: could not install pytest-xdist for $(command -v python3)" >&2; exit 1; }
