#!/usr/bin/env bash
# Installs the Debian packages dream3d builds against, only when one is missing:
# OpenBLAS (every GEMM), libpng (images) and GLM (camera math, header-only).
# Idempotent; uses sudo only when not already root.
set -euo pipefail
packages=(libopenblas-dev libpng-dev libglm-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
