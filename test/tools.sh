#!/usr/bin/env bash
# Installs the Debian packages the tests drive as real parts (origins, registries, clients,
# browser), when they are missing and this user may install them. Idempotent and quiet.
set -uo pipefail

# command -> Debian package
declare -A tools=(
  [nginx]=nginx
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [containerd]=containerd
  [ctr]=containerd
  [curl]=curl
  [openssl]=openssl
  [chromium]=chromium
  [docker-compose]=docker-compose
  [systemd-analyze]=systemd
)
missing=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${tools[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing test tools: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "could not install: ${missing[*]}" >&2; exit 1; }
else
  echo "missing test tools: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
