#!/bin/bash
# Build the fedora tree's REAL RPM database (sqlite backend) with rpm's own tools:
# rpmbuild the stand-in packages of rpm-specs/ (Fedora names, versions, epochs and dist tag),
# then register them with `rpm --justdb` in TREE/usr/lib/sysimage/rpm/rpmdb.sqlite, the
# location Fedora 36+ uses, with TREE/var/lib/rpm -> ../../usr/lib/sysimage/rpm.
# Prints what `rpm -qa` reads back, as JSON, on stdout (build_trees.py puts it in expected.json).
# Build and install times are pinned (SOURCE_DATE_EPOCH, faketime) so that reruns give the same answer.
#   usage: rpmdb.sh TREE   needs root and the Debian packages rpm (has rpmbuild), sqlite3, faketime
set -euo pipefail
TREE=$(realpath "$1")
HERE=$(dirname "$(realpath "$0")")
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
DB=/usr/lib/sysimage/rpm
export SOURCE_DATE_EPOCH=1699264800            # 2023-11-06 10:00:00 UTC: build time
INSTALLED_AT="2023-11-14 10:21:07"             # UTC: install time (INSTALLTIME = 1699957267)
for spec in "$HERE"/rpm-specs/*.spec; do
  rpmbuild -bb --quiet --define "_topdir $W" --define "dist .fc39" --define "_buildhost buildvm-x86-07.iad2.fedoraproject.org" \
    --define "vendor Fedora Project" --define "packager Fedora Project" --define "distribution Fedora Project" \
    --define "_binary_payload w19.zstdio" --define "use_source_date_epoch_as_buildtime 1" \
    --define "clamp_mtime_to_source_date_epoch 1" --target x86_64 "$spec" >/dev/null 2>"$W/build.log" || { cat "$W/build.log" >&2; exit 1; }
done
rm -rf "$TREE$DB" "$TREE/var/lib/rpm"
mkdir -p "$TREE$DB" "$TREE/var/lib"
ln -s ../../usr/lib/sysimage/rpm "$TREE/var/lib/rpm"
RPM=(rpm --root "$TREE" --dbpath "$DB" --define "_db_backend sqlite")
"${RPM[@]}" --initdb
env -u SOURCE_DATE_EPOCH TZ=UTC faketime -f "@$INSTALLED_AT" "${RPM[@]}" -i --justdb --nodeps --noscripts --notriggers --ignorearch --ignoreos "$W"/RPMS/*/*.rpm 2>&1 \
  | grep -v -e 'should not be used directly' -e 'assuming you know what you are doing' >&2 || true
sqlite3 "$TREE$DB/rpmdb.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;' >/dev/null
rm -f "$TREE$DB"/rpmdb.sqlite-wal "$TREE$DB"/rpmdb.sqlite-shm "$TREE$DB"/.rpm.lock
"${RPM[@]}" -qa --qf '%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{INSTALLTIME}\n' | sort | python3 -c '
import json, re, sys
out = []
for line in sys.stdin:
    name, epoch, version, release, arch, srpm, itime = line.rstrip("\n").split("\t")
    m = re.match(r"^(.+)-[^-]+-[^-]+\.src\.rpm$", srpm)
    evr = (f"{epoch}:" if epoch != "0" else "") + f"{version}-{release}"
    out.append({"name": name, "version": evr, "architecture": arch, "source": m.group(1) if m else name,
                "epoch": int(epoch), "upstreamVersion": version, "release": release, "sourcerpm": srpm,
                "installtime": int(itime)})
json.dump(out, sys.stdout, indent=1)
'
