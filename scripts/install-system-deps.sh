#!/usr/bin/env bash
# Debian packages the notebook and browser tests need: Jupyter (server, nbconvert, kernelspec tool, the kernel
# conformance suite) and Chromium.
# Idempotent; uses sudo when not run as root.
set -euo pipefail
need=()
command -v jupyter-notebook >/dev/null 2>&1 || need+=(jupyter-notebook)
command -v jupyter-nbconvert >/dev/null 2>&1 || need+=(jupyter-nbconvert)
command -v jupyter-kernelspec >/dev/null 2>&1 || need+=(jupyter-client)
[ -x /usr/bin/chromium ] || need+=(chromium)
# the Jupyter kernel conformance suite (tests/kernel/conformance.test.ts)
/usr/bin/python3 -c 'import jupyter_kernel_test' >/dev/null 2>&1 || need+=(python3-jupyter-kernel-test)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
