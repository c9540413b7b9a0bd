#!/bin/bash
# Capture /proc/net/{fib_trie,route,if_inet6} as the REAL kernel prints them, for a fixture's
# interfaces, by recreating those interfaces (veth devices standing in for the NICs, with their
# peers given high indexes and no addresses; a bridge for docker0) in a private network namespace. Nothing leaves the namespace: it has no
# connection to any other network. Needs root (unshare -n) and iproute2.
#   usage: netns_capture.sh laptop|ubuntu OUTDIR   (writes OUTDIR/{fib_trie,route,if_inet6})
set -euo pipefail
profile=$1; out=$2
mkdir -p "$out"
out=$(realpath "$out")
unshare -n bash -euo pipefail -c '
profile=$1; out=$2
ip link set lo up
nic() {  # nic NAME INDEX MAC UP(0|1): a veth whose peer carries no address
  ip link add name "$1" index "$2" type veth peer name "p$2" index "$((100 + $2))"
  sysctl -qw "net.ipv6.conf.p$2.disable_ipv6=1"
  ip link set "$1" address "$3"
  if [ "$4" = 1 ]; then ip link set "p$2" up; ip link set "$1" up; fi
}
case $profile in
laptop)
  nic enp0s31f6 2 8c:8c:aa:12:34:56 0
  nic wlp0s20f3 3 a0:b3:39:ab:cd:ef 1
  ip link add docker0 index 4 type bridge
  ip link set docker0 address 02:42:7f:3a:91:0c
  # NetworkManager style: address without prefix route, prefix and default routes with metric 600
  ip addr add 192.168.1.23/24 brd + dev wlp0s20f3 noprefixroute
  ip route add 192.168.1.0/24 dev wlp0s20f3 proto kernel scope link src 192.168.1.23 metric 600
  ip route add default via 192.168.1.1 dev wlp0s20f3 proto dhcp src 192.168.1.23 metric 600
  ip -6 addr add 2001:db8:1234:5600:a2b3:39ff:feab:cdef/64 dev wlp0s20f3 noprefixroute
  ip addr add 172.17.0.1/16 brd + dev docker0
  ip link set docker0 up   # no ports: NO-CARRIER, its routes are marked linkdown
  ;;
ubuntu)
  nic eno1 2 b0:7b:25:1a:2c:3d 1
  ip addr add 192.168.10.57/24 brd + dev eno1 noprefixroute
  ip route add 192.168.10.0/24 dev eno1 proto kernel scope link src 192.168.10.57 metric 100
  ip route add default via 192.168.10.1 dev eno1 proto dhcp src 192.168.10.57 metric 100
  ;;
*) echo "unknown profile $profile" >&2; exit 2;;
esac
sleep 3   # let IPv6 duplicate address detection finish
cat /proc/net/fib_trie > "$out/fib_trie"
cat /proc/net/route > "$out/route"
cat /proc/net/if_inet6 > "$out/if_inet6"
ip -br addr > "$out/.ip-br-addr.txt"
' _ "$profile" "$out"
