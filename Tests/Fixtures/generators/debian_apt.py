#!/usr/bin/env python3
"""dpkg and apt files of the `laptop` tree (Debian 12 bookworm), built from the REAL Debian
metadata copied into data/bookworm/ by extract_bookworm.py.

What is real and what was edited (everything else is verbatim Debian data):
  * var/lib/dpkg/status: stanzas are real dpkg stanzas of a Debian 12 machine. Where the laptop
    is meant to have another version than that machine had, the version-dependent fields
    (Version, Source, Installed-Size and the relationship fields) were taken from the real
    Packages stanza of that version. tmux was given version 3.4-1~bpo12+1 (as if installed from
    bookworm-backports) so that the repository version 3.3a-3 is LOWER than the installed one.
    Two stanzas were written by hand: linux-image-6.1.0-18-amd64 (deinstall ok config-files)
    and google-chrome-stable (install ok half-installed).
  * var/lib/apt/lists/*_Packages*: real stanzas from deb.debian.org's bookworm, bookworm-updates
    and bookworm-security lists of 2026-11-21, trimmed to the packages below. One edit: the
    bookworm-updates tzdata stanza was renamed to version 2026g-0+deb12u1 (Filename adjusted,
    Size/hashes left as they were) because in the real snapshot nothing in bookworm-updates was
    newer than bookworm itself.
  * *_InRelease: real header fields and real PGP armor; the checksum lists were rewritten for
    the trimmed files, so the signature no longer verifies (nothing reads it at list-parse time).

Usage: python3 debian_apt.py TREE   (normally called by build_trees.py)
"""
import gzip
import hashlib
import lzma
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data", "bookworm")

# name -> (installed version, where that version's Packages stanza is: main|security|none)
INSTALLED = {
    "adduser": ("3.134", "main"),
    "apt": ("2.6.2", "security"),
    "base-files": ("12.4+deb12u15", "main"),
    "bash": ("5.2.15-2+b13", "main"),
    "coreutils": ("9.1-1", "main"),
    "curl": ("7.88.1-10+deb12u15", "main"),
    "dpkg": ("1.21.23", "main"),
    "git": ("1:2.39.5-0+deb12u3", "main"),
    "git-man": ("1:2.39.5-0+deb12u3", "main"),
    "gnupg": ("2.2.40-1.1+deb12u2", "main"),
    "less": ("590-2.1~deb12u2", "main"),
    "libc6": ("2.36-9+deb12u14", "main"),
    "libcurl4": ("7.88.1-10+deb12u15", "main"),
    "libexpat1": ("2.5.0-1+deb12u2", "main"),
    "libssl3": ("3.0.22-1~deb12u2", "security"),
    "libsystemd0": ("252.39-1~deb12u2", "main"),
    "openssh-client": ("1:9.2p1-2+deb12u10", "main"),
    "openssl": ("3.0.22-1~deb12u2", "security"),
    "python3": ("3.11.2-1+b1", "main"),
    "python3.11": ("3.11.2-6+deb12u8", "main"),
    "systemd": ("252.39-1~deb12u2", "main"),
    "tmux": ("3.4-1~bpo12+1", "none"),
    "tzdata": ("2026b-0+deb12u1", "main"),
    "wget": ("1.21.3-1+deb12u1", "main"),
    "xz-utils": ("5.4.1-1+deb12u2", "security"),
    "zlib1g": ("1:1.2.13.dfsg-1", "main"),
}

# What apt must report as upgradable (checked by verify.sh against `apt list --upgradable`).
PENDING = [
    # name, arch, installed, candidate, suite(s), security
    ("libexpat1", "amd64", "2.5.0-1+deb12u2", "2.5.0-1+deb12u5", ["bookworm-security"], True),
    ("python3.11", "amd64", "3.11.2-6+deb12u8", "3.11.2-6+deb12u9", ["bookworm-security"], True),
    ("tzdata", "all", "2026b-0+deb12u1", "2026g-0+deb12u1", ["bookworm-updates"], False),
]

NOT_INSTALLED_STANZAS = """\
Package: google-chrome-stable
Status: install ok half-installed
Priority: optional
Section: web
Installed-Size: 355213
Maintainer: Chrome Linux Team <chromium-dev@chromium.org>
Architecture: amd64
Version: 131.0.6778.85-1
Config-Version: 130.0.6723.116-1
Provides: www-browser
Pre-Depends: dpkg (>= 1.14.0)
Depends: ca-certificates, fonts-liberation, libasound2 (>= 1.0.17), libatk-bridge2.0-0 (>= 2.5.3), libatk1.0-0 (>= 2.2.0), libatspi2.0-0 (>= 2.9.90), libc6 (>= 2.17), libcairo2 (>= 1.6.0), libcups2 (>= 1.6.0), libcurl3-gnutls | libcurl3-nss | libcurl4 | libcurl3, libdbus-1-3 (>= 1.9.14), libdrm2 (>= 2.4.75), libexpat1 (>= 2.1~beta3), libgbm1 (>= 17.1.0~rc2), libglib2.0-0 (>= 2.39.4), libgtk-3-0 (>= 3.9.10) | libgtk-4-1, libnspr4 (>= 2:4.9-2~), libnss3 (>= 2:3.35), libpango-1.0-0 (>= 1.14.0), libudev1 (>= 183), libvulkan1, libx11-6 (>= 2:1.4.99.1), libxcb1 (>= 1.9.2), libxcomposite1 (>= 1:0.4.4-1), libxdamage1 (>= 1:1.1), libxext6, libxfixes3, libxkbcommon0 (>= 0.5.0), libxrandr2, wget, xdg-utils (>= 1.0.2)
Description: The web browser from Google
 Google Chrome is a browser that combines a minimal design with sophisticated technology to make the web faster, safer, and easier.

Package: linux-image-6.1.0-18-amd64
Status: deinstall ok config-files
Priority: optional
Section: kernel
Installed-Size: 398713
Maintainer: Debian Kernel Team <debian-kernel@lists.debian.org>
Architecture: amd64
Source: linux-signed-amd64 (6.1.76+1)
Version: 6.1.76-1
Config-Version: 6.1.76-1
Depends: kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool
Recommends: firmware-linux-free, apparmor
Suggests: linux-doc-6.1, debian-kernel-handbook, grub-pc | grub-efi-amd64 | extlinux
Breaks: initramfs-tools (<< 0.120+deb8u2)
Description: Linux 6.1 for 64-bit PCs (signed)
 The Linux kernel 6.1 and modules for use on PCs with AMD64, Intel 64 or
 VIA Nano processors.
 .
 The kernel image is signed for use with Secure Boot.
Built-Using: linux (= 6.1.76-1)
"""

# Fields that change with the version (taken from the Packages stanza of the wanted version).
VERSIONED = ["Source", "Version", "Installed-Size", "Replaces", "Provides", "Depends", "Pre-Depends",
             "Recommends", "Suggests", "Breaks", "Conflicts", "Enhances", "Built-Using"]
# dpkg's field order (lib/dpkg/parse.c fieldinfos), unknown fields after them in input order.
DPKG_ORDER = ["Package", "Essential", "Protected", "Status", "Priority", "Section", "Installed-Size",
              "Origin", "Maintainer", "Bugs", "Architecture", "Multi-Arch", "Source", "Version",
              "Config-Version", "Replaces", "Provides", "Depends", "Pre-Depends", "Recommends",
              "Suggests", "Breaks", "Conflicts", "Enhances", "Conffiles", "Description"]

LISTS = {
    # key: (list-file prefix, component path in Release, compression)
    "main": ("deb.debian.org_debian_dists_bookworm", "main", None),
    "updates": ("deb.debian.org_debian_dists_bookworm-updates", "main", "xz"),
    "security": ("deb.debian.org_debian-security_dists_bookworm-security", "main", "gz"),
}


def parse(text):
    """Stanzas as lists of [field, value] (value keeps continuation lines)."""
    out = []
    for block in text.strip("\n").split("\n\n"):
        fields = []
        for line in block.split("\n"):
            if line.startswith((" ", "\t")):
                fields[-1][1] += "\n" + line
            else:
                k, _, v = line.partition(":")
                fields.append([k, v.strip()])
        out.append(fields)
    return out


def render(fields):
    return "\n".join(f"{k}:{v}" if (not v or v.startswith("\n")) else f"{k}: {v}" for k, v in fields) + "\n"


def get(fields, key):
    for k, v in fields:
        if k == key:
            return v
    return None


def by_name(stanzas):
    return {get(s, "Package"): s for s in stanzas}


def merge_versioned(status_fields, pkg_fields, version):
    fields = [f for f in status_fields if f[0] not in VERSIONED]
    for key in VERSIONED:
        v = get(pkg_fields, key) if pkg_fields else None
        if key == "Version":
            v = version
        elif not pkg_fields:
            v = get(status_fields, key)
        if v:
            fields.append([key, v])
    known = [f for f in fields if f[0] in DPKG_ORDER]
    other = [f for f in fields if f[0] not in DPKG_ORDER]
    known.sort(key=lambda f: DPKG_ORDER.index(f[0]))
    return known + other


def status_stanzas():
    host = by_name(parse(open(os.path.join(DATA, "status.stanzas")).read()))
    lists = {k: by_name(parse(open(os.path.join(DATA, f"{k}.stanzas")).read())) for k in ("main", "security")}
    result = []
    for name, (version, origin) in sorted(INSTALLED.items()):
        st = host[name]
        if get(st, "Version") != version:
            pkg = lists[origin][name] if origin != "none" else None
            if pkg is not None:
                assert get(pkg, "Version") == version, (name, get(pkg, "Version"), version)
            st = merge_versioned(st, pkg, version)
        result.append(st)
    result += parse(NOT_INSTALLED_STANZAS)
    result.sort(key=lambda s: get(s, "Package"))
    return result


def list_stanzas(key):
    stanzas = parse(open(os.path.join(DATA, f"{key}.stanzas")).read())
    if key == "updates":
        for st in stanzas:
            if get(st, "Package") == "tzdata":
                for f in st:
                    if f[0] == "Version":
                        f[1] = "2026g-0+deb12u1"
                    if f[0] == "Filename":
                        f[1] = "pool/main/t/tzdata/tzdata_2026g-0+deb12u1_all.deb"
    return stanzas


def inrelease(key, files):
    """Real header and PGP armor, checksum lists for the files we ship."""
    text = open(os.path.join(DATA, f"{key}.InRelease")).read()
    head, sep, sig = text.partition("\n-----BEGIN PGP SIGNATURE-----")
    md5 = "".join(f" {hashlib.md5(d).hexdigest()} {len(d):8d} {p}\n" for p, d in files)
    sha = "".join(f" {hashlib.sha256(d).hexdigest()} {len(d):8d} {p}\n" for p, d in files)
    return head + "\nMD5Sum:\n" + md5.rstrip("\n") + "\nSHA256:\n" + sha.rstrip("\n") + sep + sig


def source_name(fields):
    src = get(fields, "Source")
    return src.split(" (")[0] if src else get(fields, "Package")


def build(tree):
    dpkg = os.path.join(tree, "var/lib/dpkg")
    os.makedirs(os.path.join(dpkg, "info"), exist_ok=True)
    status = status_stanzas()
    with open(os.path.join(dpkg, "status"), "w") as fh:
        fh.write("\n".join(render(s) for s in status) + "\n")
    # dpkg keeps status-old next to it; apt and the agent only read `status`.
    info_src = os.path.join(DATA, "info")
    for fn in sorted(os.listdir(info_src)):
        with open(os.path.join(info_src, fn)) as src, open(os.path.join(dpkg, "info", fn), "w") as dst:
            dst.write(src.read())
    with open(os.path.join(dpkg, "info", "google-chrome-stable.list"), "w") as fh:
        fh.write("/.\n/opt\n/opt/google\n/opt/google/chrome\n/opt/google/chrome/chrome\n")
    with open(os.path.join(dpkg, "info", "linux-image-6.1.0-18-amd64.postrm"), "w") as fh:
        fh.write("#!/bin/sh -e\n\nversion=6.1.0-18-amd64\nimage_path=/boot/vmlinuz-$version\n"
                 "rm -f /lib/modules/$version/.fresh-install\n\nif [ \"$1\" = purge ]; then\n"
                 "    for extra_file in modules.dep modules.isapnpmap modules.pcimap \\\n"
                 "                      modules.usbmap modules.parportmap \\\n"
                 "                      modules.generic_string modules.ieee1394map \\\n"
                 "                      modules.ieee1394map modules.pnpbiosmap \\\n"
                 "                      modules.alias modules.ccwmap modules.inputmap \\\n"
                 "                      modules.symbols modules.ofmap \\\n"
                 "                      modules.seriomap modules.\\*.bin \\\n"
                 "\t\t      modules.softdep modules.devname; do\n"
                 "\teval rm -f /lib/modules/$version/$extra_file\n    done\n"
                 "    rmdir /lib/modules/$version || true\nfi\n\nexit 0\n")

    lists = os.path.join(tree, "var/lib/apt/lists")
    os.makedirs(lists, exist_ok=True)
    open(os.path.join(lists, "lock"), "w").close()
    for key, (prefix, comp, compression) in LISTS.items():
        raw = ("\n".join(render(s) for s in list_stanzas(key)) + "\n").encode()
        rel = f"{comp}/binary-amd64/Packages"
        files = [(rel, raw)]
        name = f"{prefix}_{comp}_binary-amd64_Packages"
        if compression == "gz":
            data = gzip.compress(raw, 9, mtime=0)
            files.append((rel + ".gz", data))
            name += ".gz"
        elif compression == "xz":
            data = lzma.compress(raw, preset=6)
            files.append((rel + ".xz", data))
            name += ".xz"
        else:
            data = raw
        with open(os.path.join(lists, name), "wb") as fh:
            fh.write(data)
        with open(os.path.join(lists, f"{prefix}_InRelease"), "w") as fh:
            fh.write(inrelease(key, files))
    os.makedirs(os.path.join(tree, "var/lib/apt/periodic"), exist_ok=True)
    open(os.path.join(tree, "var/lib/apt/periodic/update-success-stamp"), "w").close()

    packages = []
    for s in status:
        if get(s, "Status") != "install ok installed":
            continue
        packages.append({"name": get(s, "Package"), "version": get(s, "Version"),
                         "architecture": get(s, "Architecture"), "source": source_name(s)})
    packages.sort(key=lambda p: (p["name"], p["architecture"]))
    pending = [{"name": n, "installedVersion": i, "candidateVersion": c, "security": sec}
               for n, _a, i, c, _s, sec in sorted(PENDING)]
    return {"packages": packages, "pending": pending, "pendingDetail": PENDING}


if __name__ == "__main__":
    r = build(sys.argv[1])
    print(len(r["packages"]), "installed;", len(r["pending"]), "pending")
