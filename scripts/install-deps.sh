#!/usr/bin/env bash
# Installs every Debian 12 package Yagura needs to build, test and run. Idempotent: installs
# only what is missing, so it is cheap to call before every build.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config git ca-certificates
    qt6-base-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-translations-l10n qt6-svg-dev libqt6opengl6-dev libgl-dev
    libzmq3-dev cppzmq-dev protobuf-compiler libprotobuf-dev
    libsqlcipher-dev sqlcipher libssl-dev openssl
    libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libsodium-dev
    libarchive-dev libsystemd-dev clang libbpf-dev bpftool libnftables-dev nftables iptables
    fonts-noto-cjk xvfb xauth
    iproute2 procps systemd systemd-journal-remote dpkg-dev fakeroot file clang-format
)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null | grep -qx installed; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    SUDO=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
