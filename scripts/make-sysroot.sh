#!/usr/bin/env bash
# Fetches an older glibc (Debian 11 "bullseye": glibc 2.31, the Ubuntu 20.04 baseline) into
# .sysroot/debian11, for portable prebuilds: `npm run prebuilds` links against it when it exists
# (scripts/make-prebuild.js), so the shipped binary loads on glibc 2.31 and newer instead of only
# on the build machine's glibc. Also fetches that release's libstdc++ and libgcc_s into
# .sysroot/debian11-runtime, so scripts/check-prebuild-glibc.js can load the prebuild in Node
# under glibc 2.31 here. Needs apt-get and Debian's mirror; nothing is installed on the system
# (packages are downloaded with a private apt state and unpacked with dpkg-deb -x).
set -euo pipefail
cd "$(dirname "$0")/.."
root=.sysroot/debian11
runtime=.sysroot/debian11-runtime
work=.sysroot/apt
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
rm -rf "$root" "$runtime" "$work"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs" "$root" "$runtime"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bullseye main" >"$work/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$PWD/$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$PWD/$work/lists" -o "Dir::Cache::Archives=$PWD/$work/archives"
  -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o Dir::State::status=/dev/null
  -o APT::Sandbox::User=root -o Acquire::http::Timeout=30 -o Acquire::Retries=2)
apt-get "${apt_opts[@]}" update >/dev/null
fetch() { # package names -> debs in $work/debs (bullseye's versions, whatever the host has)
  for p in "$@"; do
    v=$(apt-cache "${apt_opts[@]}" policy "$p" | awk '/Candidate:/ {print $2}')
    [ -n "$v" ] && [ "$v" != "(none)" ] || { echo "make-sysroot: $p not found in bullseye" >&2; exit 1; }
    (cd "$work/debs" && apt-get "${apt_opts[@]}" download "$p=$v" >/dev/null)
  done
}
fetch libc6 libc6-dev linux-libc-dev libcrypt1 libcrypt-dev
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
rm -f "$work"/debs/*.deb
fetch libstdc++6 libgcc-s1
for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$runtime"; done
# The packages' absolute symlinks (e.g. /lib64/ld-linux-x86-64.so.2) must point inside the tree.
for tree in "$root" "$runtime"; do
  find "$tree" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$PWD/$tree$target")" "$link"
  done
done
rm -rf "$work"
echo "make-sysroot: glibc $(ls "$root"/lib/x86_64-linux-gnu/libc-*.so | sed 's/.*libc-\(.*\)\.so/\1/') in $root"
