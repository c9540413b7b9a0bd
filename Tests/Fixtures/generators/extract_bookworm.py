#!/usr/bin/env python3
"""One-off: copy REAL Debian 12 (bookworm) metadata from the Debian 12 machine these fixtures
were made on into generators/data/bookworm/, so that debian_apt.py can rebuild the laptop
tree without that machine:

  status.stanzas    stanzas of /var/lib/dpkg/status for the packages the laptop has
  main.stanzas      stanzas of deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages
  updates.stanzas   ... bookworm-updates ... ; security.stanzas ... bookworm-security ...
  info/*.list       /var/lib/dpkg/info/<pkg>[:amd64].list, first 25 lines
  *.InRelease       the InRelease files without their checksum lists (debian_apt.py keeps
                    the header and signature armor and writes checksum lists for the trimmed files)

Run as: python3 extract_bookworm.py  (needs `apt-get update` done against deb.debian.org
and the lz4 CLI). The copies committed were taken from lists dated 2026-11-21.
"""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "bookworm")
LISTS = "/var/lib/apt/lists"

INSTALLED = """adduser apt base-files bash coreutils dpkg libc6 libexpat1 tzdata openssh-client openssl
libssl3 curl libcurl4 git git-man gnupg python3 python3.11 systemd libsystemd0 tmux xz-utils zlib1g
wget less""".split()
MAIN = INSTALLED + ["sudo", "nano", "firefox-esr"]
SECURITY = """apt libexpat1 python3.11 openssl libssl3 xz-utils systemd libsystemd0 libc6 curl libcurl4
git git-man tzdata firefox-esr sudo""".split()
UPDATES = "tzdata openssh-client openssl libssl3 ca-certificates".split()

SOURCES = {
    "main": "deb.debian.org_debian_dists_bookworm",
    "updates": "deb.debian.org_debian_dists_bookworm-updates",
    "security": "deb.debian.org_debian-security_dists_bookworm-security",
}


def stanzas(text):
    for st in text.split("\n\n"):
        st = st.strip("\n")
        m = re.match(r"Package: (\S+)\n", st)
        if m:
            yield m.group(1), st


def read_list(prefix):
    path = os.path.join(LISTS, prefix + "_main_binary-amd64_Packages")
    for ext, cmd in (("", None), (".lz4", ["lz4", "-dc"]), (".xz", ["xz", "-dc"]), (".gz", ["gzip", "-dc"])):
        if os.path.exists(path + ext):
            if cmd is None:
                return open(path + ext, encoding="utf-8").read()
            return subprocess.run(cmd + [path + ext], check=True, capture_output=True).stdout.decode()
    raise SystemExit(f"no list {path}")


def pick(text, names, first_only=True):
    out, seen = [], set()
    for name, st in stanzas(text):
        if name in names and not (first_only and name in seen):
            out.append((names.index(name), st))
            seen.add(name)
    missing = set(names) - seen
    if missing:
        raise SystemExit(f"missing: {sorted(missing)}")
    return [st for _, st in sorted(out, key=lambda x: x[0])]


def strip_checksums(text):
    """Drop the MD5Sum/SHA1/SHA256 file lists (hundreds of lines for files we do not ship)."""
    head, sep, sig = text.partition("\n-----BEGIN PGP SIGNATURE-----")
    keep = [l for l in head.split("\n") if not l.startswith(" ") and l not in ("MD5Sum:", "SHA1:", "SHA256:")]
    return "\n".join(keep) + sep + sig


def main():
    os.makedirs(OUT, exist_ok=True)
    status = open("/var/lib/dpkg/status", encoding="utf-8").read()
    with open(os.path.join(OUT, "status.stanzas"), "w") as fh:
        fh.write("\n\n".join(pick(status, INSTALLED)) + "\n")
    # File lists (their mtime is what tools read as install date; trimmed to 25 lines).
    os.makedirs(os.path.join(OUT, "info"), exist_ok=True)
    for name in INSTALLED:
        for fn in (f"{name}.list", f"{name}:amd64.list"):
            src = os.path.join("/var/lib/dpkg/info", fn)
            if os.path.exists(src):
                lines = open(src, encoding="utf-8").read().split("\n")[:25]
                with open(os.path.join(OUT, "info", fn), "w") as fh:
                    fh.write("\n".join(l for l in lines if l) + "\n")
    for key, names in (("main", MAIN), ("updates", UPDATES), ("security", SECURITY)):
        text = read_list(SOURCES[key])
        with open(os.path.join(OUT, f"{key}.stanzas"), "w") as fh:
            fh.write("\n\n".join(pick(text, names)) + "\n")
        with open(os.path.join(LISTS, SOURCES[key] + "_InRelease"), encoding="utf-8") as src:
            with open(os.path.join(OUT, f"{key}.InRelease"), "w") as dst:
                dst.write(strip_checksums(src.read()))


if __name__ == "__main__":
    main()
