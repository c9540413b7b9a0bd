#!/usr/bin/env python3
"""Write a /run/utmp file in glibc's x86_64 `struct utmp` layout (utmp(5), <bits/utmp.h>):

  offset size  field
       0    2  short ut_type          (+2 bytes padding)
       4    4  pid_t ut_pid
       8   32  char ut_line[32]       device name without /dev/
      40    4  char ut_id[4]          inittab id / tty suffix
      44   32  char ut_user[32]
      76  256  char ut_host[256]      remote host, or kernel release for BOOT_TIME/RUN_LVL
     332    4  struct exit_status { short e_termination; short e_exit; }
     336    4  int32 ut_session
     340    8  struct { int32 tv_sec; int32 tv_usec; } ut_tv   (32-bit even on x86_64)
     348   16  int32 ut_addr_v6[4]    IPv4 in [0], network byte order
     364   20  char __glibc_reserved[20]
   = 384 bytes per record, little-endian, strings NUL-padded (not necessarily NUL-terminated).

ut_type: 0 EMPTY, 1 RUN_LVL, 2 BOOT_TIME, 3 NEW_TIME, 4 OLD_TIME, 5 INIT_PROCESS,
         6 LOGIN_PROCESS, 7 USER_PROCESS, 8 DEAD_PROCESS, 9 ACCOUNTING.

Check a result with `utmpdump FILE` and `who FILE` (util-linux / coreutils read this layout).
Usage: utmp.py OUTPUT  (records come from a JSON list on stdin, see build_trees.py)
"""
import ipaddress
import json
import struct
import sys

RECORD = struct.Struct("<hxxi32s4s32s256shhiii16s20s")
assert RECORD.size == 384

TYPES = {"EMPTY": 0, "RUN_LVL": 1, "BOOT_TIME": 2, "NEW_TIME": 3, "OLD_TIME": 4, "INIT_PROCESS": 5,
         "LOGIN_PROCESS": 6, "USER_PROCESS": 7, "DEAD_PROCESS": 8, "ACCOUNTING": 9}


def record(type, pid=0, line="", id="", user="", host="", exit=(0, 0), session=0, sec=0, usec=0, addr=None):
    a = b"\0" * 16
    if addr:
        ip = ipaddress.ip_address(addr)
        a = ip.packed.ljust(16, b"\0")
    return RECORD.pack(TYPES[type], pid, line.encode(), id.encode(), user.encode(), host.encode(),
                       exit[0], exit[1], session, sec, usec, a, b"\0" * 20)


def write(path, records):
    with open(path, "wb") as fh:
        for r in records:
            fh.write(record(**r))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write(sys.argv[1], json.load(sys.stdin))
