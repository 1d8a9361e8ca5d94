#!/usr/bin/env bash
# Makes sure the python3 on PATH can run the e2e suite (it needs only pytest; everything
# else is the standard library).
set -euo pipefail
if python3 -c 'import pytest' 2>/dev/null; then
  echo "deps: pytest present for $(command -v python3)"
  exit 0
fi
echo "deps: installing pytest for $(command -v python3)"
if python3 -m pip --version >/dev/null 2>&1 && python3 -m pip install --quiet 'pytest>=7' 2>/dev/null; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pytest >/dev/null
python3 -c 'import pytest' || { echo "deps: could not install pytest for $(command -v python3)" >&2; exit 1; }
