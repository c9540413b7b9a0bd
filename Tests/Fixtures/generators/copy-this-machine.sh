#!/usr/bin/env bash
# Copies the files the agent's probes read from this machine into a fixture tree, and records what
# dpkg-query and apt say about that tree, so that the tests can compare the agent with the real tools.
#   usage: copy-this-machine.sh DEST   (e.g. Tests/Fixtures/systems/debian-vm)
# apt's lists are trimmed to the stanzas of installed packages (the full lists are 19 MB compressed);
# trimming keeps every version of those packages, so the pending updates are unchanged.
set -euo pipefail
dest=$(realpath -m "${1:?destination}")
rm -rf "$dest" && mkdir -p "$dest"
copy() { # copy a file, keeping its path under DEST
  local src=$1; [ -e "$src" ] || return 0
  mkdir -p "$dest$(dirname "$src")"
  if [ -L "$src" ] && [[ "$src" != /proc/* ]]; then cp -P "$src" "$dest$src"; else cat "$src" > "$dest$src" 2>/dev/null || true; fi
}
for f in /etc/os-release /etc/debian_version /etc/hostname /etc/hosts /etc/resolv.conf /etc/timezone /etc/localtime \
         /etc/passwd /etc/group /proc/cpuinfo /proc/meminfo /proc/uptime /proc/stat /proc/mounts \
         /proc/net/fib_trie /proc/net/route /proc/net/if_inet6 \
         /proc/sys/kernel/hostname /proc/sys/kernel/osrelease /proc/sys/kernel/version /proc/sys/kernel/ostype \
         /var/lib/dpkg/status /run/reboot-required /run/reboot-required.pkgs; do copy "$f"; done
[ -e /usr/lib/os-release ] && { mkdir -p "$dest/usr/lib"; cp /usr/lib/os-release "$dest/usr/lib/os-release"; }
# sysfs: the links as they are, and the attributes the probes read at their targets.
sysdir() { # copy a sysfs link and the named attributes of the directory it points to
  local link=$1; shift
  copy "$link"
  local target; target=$(readlink -f "$link")
  for attr in "$@"; do
    [ -f "$target/$attr" ] && { mkdir -p "$dest$target/$(dirname "$attr")"; cat "$target/$attr" > "$dest$target/$attr" 2>/dev/null || rm -f "$dest$target/$attr"; }
  done
  for sub in device driver device/driver; do
    [ -L "$target/$sub" ] && { mkdir -p "$dest$target/$(dirname "$sub")"; cp -P "$target/$sub" "$dest$target/$sub"; mkdir -p "$dest$(readlink -f "$target/$sub")"; }
  done
  return 0
}
for b in /sys/block/*; do sysdir "$b" size removable dev queue/rotational device/model device/vendor device/serial device/rev device/firmware_rev; done
for n in /sys/class/net/*; do sysdir "$n" address operstate speed mtu; done
for p in /sys/bus/pci/devices/*; do sysdir "$p" vendor device class; done
for s in /sys/class/power_supply/*; do [ -e "$s" ] && sysdir "$s" type scope uevent; done
for c in /sys/devices/system/cpu/cpu[0-9]*; do copy "$c/cpufreq/cpuinfo_max_freq"; done
# PCI names: only the vendors present, in pci.ids' own format.
if [ -f /usr/share/misc/pci.ids ]; then
  vendors=$(cat /sys/bus/pci/devices/*/vendor | sed 's/0x//' | sort -u | tr '\n' '|' | sed 's/|$//')
  mkdir -p "$dest/usr/share/misc"
  awk -v v="^($vendors) " '/^C /{c=1} c{print; next} /^[0-9a-f]{4} /{keep=($0 ~ v)} keep && !/^\t\t/' /usr/share/misc/pci.ids > "$dest/usr/share/misc/pci.ids"
fi
# apt: Release files as they are; package lists trimmed to installed packages, recompressed as stored.
mkdir -p "$dest/var/lib/apt/lists" "$dest/etc/apt/preferences.d"
cp /etc/apt/preferences.d/* "$dest/etc/apt/preferences.d/" 2>/dev/null || true
installed=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' | awk '$1=="installed"{print $2}' | sort -u)
for f in /var/lib/apt/lists/*; do
  name=$(basename "$f")
  case "$name" in
    *_InRelease|*_Release) cp "$f" "$dest/var/lib/apt/lists/";;
    *_Packages|*_Packages.*)
      case "$name" in *.lz4) cat="lz4 -dc"; pack="lz4 -q -c";; *.gz) cat="gzip -dc"; pack="gzip -9c";; *.xz) cat="xz -dc"; pack="xz -c";; *) cat="cat"; pack="cat";; esac
      $cat "$f" | python3 -c '
import sys
keep=set(open(sys.argv[1]).read().split())
for stanza in sys.stdin.read().split("\n\n"):
    name=next((l[9:] for l in stanza.split("\n") if l.startswith("Package: ")),None)
    if name in keep: sys.stdout.write(stanza.strip("\n")+"\n\n")
' <(echo "$installed") | $pack > "$dest/var/lib/apt/lists/$name";;
  esac
done
# What the real tools say about this tree.
out=$(dirname "$dest")/$(basename "$dest")
dpkg-query --admindir="$dest/var/lib/dpkg" -W -f='${db:Status-Status} ${Package} ${Architecture} ${Version}\n' \
  | awk '$1=="installed"{print $2, $3, $4}' | sort > "$out.dpkg-query.txt"
tmp=$(mktemp -d)
mkdir -p "$tmp/etc/sources.list.d" "$tmp/cache/archives/partial"
apt list --upgradable -o Dir::State::Lists="$dest/var/lib/apt/lists" -o Dir::State::status="$dest/var/lib/dpkg/status" \
  -o Dir::Cache="$tmp/cache" -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$dest/etc/apt/preferences.d" \
  -o Dir::Etc::SourceParts=/etc/apt/sources.list.d -o Dir::Etc::SourceList=/etc/apt/sources.list 2>/dev/null \
  | sed -n 's|^\([^/]*\)/\(\S*\) \(\S*\) \(\S*\) \[upgradable from: \(\S*\)\]$|\1 \4 \5 \3 \2|p' | sort > "$out.apt-upgradable.txt"
rm -rf "$tmp"
echo "copied to $dest: $(wc -l < "$out.dpkg-query.txt") packages, $(wc -l < "$out.apt-upgradable.txt") pending updates"
