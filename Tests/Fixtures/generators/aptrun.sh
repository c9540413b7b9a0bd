#!/bin/bash
# Run an apt command against a fixture tree's own dpkg status and apt lists, and nothing of the
# host's: a throwaway APT_CONFIG (so /etc/apt/apt.conf.d is not read), the tree's
# var/lib/apt/lists and var/lib/dpkg/status, a sources.list whose URIs map to the tree's list
# file names, no preferences, amd64 only, and a temporary cache. Reads only; no network.
#   usage: aptrun.sh TREE SOURCES.list APT-COMMAND [ARGS...]
#   e.g.   aptrun.sh Tests/Fixtures/systems/laptop Tests/Fixtures/generators/sources/laptop.list apt list --upgradable
set -u
TREE=$(realpath "$1"); SRC=$(realpath "$2"); shift 2
W=$(mktemp -d)
mkdir -p "$W/parts" "$W/prefs" "$W/cache/archives/partial"
echo "Dir::Etc::Parts \"$W/parts\";" > "$W/apt.conf"
APT_CONFIG=$W/apt.conf "$@" \
  -o Dir::State::Lists="$TREE/var/lib/apt/lists" -o Dir::State::status="$TREE/var/lib/dpkg/status" \
  -o Dir::Etc::SourceList="$SRC" -o Dir::Etc::SourceParts="$W/parts" -o Dir::Etc::Preferences=/dev/null \
  -o Dir::Etc::PreferencesParts="$W/prefs" -o Dir::Cache="$W/cache" -o Dir::State::extended_states="$W/extended_states" \
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Debug::NoLocking=1
rc=$?
rm -rf "$W"
exit $rc
