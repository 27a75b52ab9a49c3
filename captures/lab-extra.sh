# Extra scenarios for /work/shared/lab/dockerlab.sh, loaded through LAB_EXTRA:
#   PREFIX=dslab LAB_EXTRA=captures/lab-extra.sh ../shared/lab/dockerlab.sh NAME captures/NAME
# The main script sources this file, so all its helpers are available here
# (mkns attach mkbridge capture settle stop_captures truth_* mac_for in_ns ns
# PIDS OUT B). Everything stays inside "$PREFIX-*" namespaces; the script's
# EXIT trap deletes them.
#
# Scenarios: recreate napt-collide two-bridges overlay-8472 overlay-mtu
#            overlay-pmtu-bridged
#
# events.txt: several scenarios log "<unix time> <event>" lines at their
# state changes so a reconstructor can line the captures up with them
# (pcap timestamps are the same wall clock).

ev() { printf '%s %s\n' "$(date +%s.%N)" "$*" >>"$OUT/events.txt"; }
fdb_json() { in_ns "$1" bridge -j fdb show br "$2" >"$OUT/truth-$1-$2-fdb$3.json"; }
neigh_json() { in_ns "$1" ip -j neigh show >"$OUT/truth-$1-neigh$2.json"; }

# ---------------------------------------------------------------------------
# recreate: container c2 on docker0 is deleted and recreated with the same IP
# (172.17.0.3) but a new MAC and a new host-side veth name, like
# `docker rm -f c2 && docker run --ip 172.17.0.3 ...` on Docker >= 26 (random
# MACs). Sequence:
#   1. c1 -> c2 and c2 -> gateway pings (FDB learns old MAC on vethb2c3d4e,
#      c1 and host cache 172.17.0.3 -> old MAC)
#   2. c2 deleted (netns and veth gone: FDB entries for that port are flushed,
#      neighbour entries are NOT)
#   3. c2 recreated: new netns, veth vethf6a7b8c, MAC 02:42:ac:11:aa:03
#   4. c1 pings c2 with its stale neighbour entry: frames go to the OLD MAC,
#      the bridge floods them (unknown unicast), new c2 drops them -> lost
#   5. new c2 sends gratuitous ARP (arping -U), host and c1 update their
#      entries ("changed ethernet address")
#   6. c1 -> c2 and c2 -> gateway pings succeed via the new MAC
# Truth is dumped before (…-before.json) and after (…-after.json).
scenario_recreate() {
  local OLD_MAC NEW_MAC=02:42:ac:11:aa:03
  OLD_MAC=$(mac_for "$B.0.3")
  mkns host; mkns c1; mkns c2
  mkbridge host docker0 "$B.0.1/16"
  # docker0 gets a fixed MAC, as dockerd does (otherwise a bridge inherits the
  # lowest port MAC and changes it when ports come and go)
  in_ns host ip link set docker0 address 02:42:5e:1d:00:01
  attach c1 docker0 host "$B.0.2" 16 "$B.0.1" veth0a1b2c3
  attach c2 docker0 host "$B.0.3" 16 "$B.0.1" vethb2c3d4e
  settle 2
  capture host recreate-docker0.pcap tcpdump -i docker0 -U -s 0
  capture host recreate-any.pcap tcpdump -i any -U -s 0
  # only interfaces that live through the whole run (dumpcap stops if one vanishes)
  capture host recreate-multi.pcapng dumpcap -q -i docker0 -i veth0a1b2c3
  capture c1 recreate-c1-eth0.pcap tcpdump -i eth0 -U -s 0
  settle 2
  ev "phase1 old c2 $B.0.3 mac $OLD_MAC host veth vethb2c3d4e"
  in_ns c1 ping -c 3 -i 0.3 "$B.0.3" >"$OUT/ping-c1-c2-before.txt"
  in_ns c2 ping -c 2 -i 0.3 "$B.0.1" >"$OUT/ping-c2-gw-before.txt"
  fdb_json host docker0 -before; neigh_json host -before; neigh_json c1 -before
  in_ns host ip -j -d link show >"$OUT/truth-host-links-before.json"   # maps SLL2 ifindex 4 (old veth)
  settle 1
  ev "delete c2 (ip netns del $(ns c2); veth vethb2c3d4e destroyed)"
  ip netns del "$(ns c2)"
  settle 1
  fdb_json host docker0 -deleted
  mkns c2
  ip -n "$(ns host)" link add vethf6a7b8c type veth peer name eth0 netns "$(ns c2)"
  in_ns c2 ip link set eth0 address "$NEW_MAC"
  in_ns c2 ip addr add "$B.0.3/16" dev eth0
  in_ns c2 ip link set eth0 up
  in_ns c2 ip route add default via "$B.0.1"
  in_ns host ip link set vethf6a7b8c master docker0 up
  ev "recreated c2 $B.0.3 mac $NEW_MAC host veth vethf6a7b8c"
  settle 1
  ev "c1 pings c2 with stale neighbour entry (expect loss)"
  in_ns c1 ping -c 2 -i 0.3 -W 1 "$B.0.3" >"$OUT/ping-c1-c2-stale.txt" 2>&1 || true
  neigh_json c1 -stale
  settle 1.2   # > neigh locktime (1 s) so the gratuitous ARP is accepted
  ev "c2 sends gratuitous ARP (arping -U)"
  in_ns c2 arping -U -c 2 -I eth0 "$B.0.3" >"$OUT/arping-c2-garp.txt" 2>&1 || true
  ev "phase2 pings via new mac"
  in_ns c1 ping -c 3 -i 0.3 -W 1 "$B.0.3" >"$OUT/ping-c1-c2-after.txt" 2>&1 || true
  in_ns c2 ping -c 2 -i 0.3 -W 1 "$B.0.1" >"$OUT/ping-c2-gw-after.txt" 2>&1 || true
  stop_captures
  fdb_json host docker0 -after
  in_ns host ip -j -d link show >"$OUT/truth-host-links.json"
  in_ns host ip -j addr show >"$OUT/truth-host-addrs.json"
  neigh_json host -after; neigh_json c1 -after; neigh_json c2 -after
}

# ---------------------------------------------------------------------------
# napt-collide: three containers behind MASQUERADE on one uplink.
#  - UDP: c1, c2, c3 all send from sport 40000 to 198.51.100.1:7 (echo);
#    only the first keeps 40000, conntrack remaps the others
#  - TCP: c1 and c2 both connect from sport 45000 to 198.51.100.1:80
#  - ICMP: c1 and c2 ping 198.51.100.1 with the same echo id (ping -e 4660 =
#    0x1234, raw socket as root); conntrack remaps the id of the second
# Captures: docker0 and eth0 (uplink) as EN10MB pcap, -i any (SLL2), and one
# pcapng with docker0 + eth0. Conntrack is dumped before captures stop, and
# `conntrack -E` runs during the whole capture (NEW/UPDATE/DESTROY events).
scenario_napt_collide() {
  mkns host; mkns c1; mkns c2; mkns c3; mkns wan
  mkbridge host docker0 "$B.0.1/16"
  in_ns host ip link set docker0 address 02:42:5e:1d:00:01
  attach c1 docker0 host "$B.0.2" 16 "$B.0.1" veth1c0ffee
  attach c2 docker0 host "$B.0.3" 16 "$B.0.1" veth2c0ffee
  attach c3 docker0 host "$B.0.4" 16 "$B.0.1" veth3c0ffee
  ip -n "$(ns host)" link add eth0 type veth peer name eth0 netns "$(ns wan)"
  in_ns host ip addr add 198.51.100.2/24 dev eth0; in_ns host ip link set eth0 up
  in_ns wan ip addr add 198.51.100.1/24 dev eth0; in_ns wan ip link set eth0 up
  in_ns host ip route add default via 198.51.100.1
  in_ns host sysctl -qw net.ipv4.ip_forward=1
  in_ns host iptables -t nat -A POSTROUTING -s "$B.0.0/16" ! -o docker0 -j MASQUERADE
  # background jobs use `ip netns exec` directly, not the in_ns function: $! of a
  # backgrounded function is a subshell, and killing it leaves the child running
  ip netns exec "$(ns wan)" socat -T2 UDP-LISTEN:7,fork,reuseaddr PIPE >/dev/null 2>&1 & PIDS+=($!)
  ip netns exec "$(ns wan)" socat TCP-LISTEN:80,fork,reuseaddr PIPE >/dev/null 2>&1 & PIDS+=($!)
  settle 2
  capture host napt-collide-docker0.pcap tcpdump -i docker0 -U -s 0
  capture host napt-collide-eth0.pcap tcpdump -i eth0 -U -s 0
  capture host napt-collide-any.pcap tcpdump -i any -U -s 0
  capture host napt-collide-multi.pcapng dumpcap -q -i docker0 -i eth0
  ip netns exec "$(ns host)" conntrack -E -o timestamp,extended >"$OUT/truth-host-conntrack-events.txt" 2>"$OUT/conntrack-events.err" & PIDS+=($!)
  settle 2
  for c in c1 c2 c3; do
    ev "udp $c sport 40000 -> 198.51.100.1:7"
    in_ns $c sh -c "echo from-$c | nc -u -w1 -p 40000 198.51.100.1 7" >"$OUT/udp-$c.txt" || true
  done
  for c in c1 c2; do
    ev "tcp $c sport 45000 -> 198.51.100.1:80"
    in_ns $c sh -c "echo tcp-from-$c | nc -N -w2 -p 45000 198.51.100.1 80" >"$OUT/tcp-$c.txt" || true
  done
  ev "icmp c1 and c2 echo id 4660 (0x1234) -> 198.51.100.1"
  in_ns c1 ping -e 4660 -c 3 -i 0.3 198.51.100.1 >"$OUT/ping-c1-wan.txt" 2>&1 &
  local p1=$!
  in_ns c2 ping -e 4660 -c 3 -i 0.3 198.51.100.1 >"$OUT/ping-c2-wan.txt" 2>&1 || true
  wait $p1 || true
  truth_conntrack host
  in_ns host conntrack -L -o extended,id >"$OUT/truth-host-conntrack-id.txt" 2>/dev/null || true
  stop_captures
  [ -s "$OUT/conntrack-events.err" ] || rm -f "$OUT/conntrack-events.err"
  truth_bridge host docker0; truth_neigh host; truth_neigh wan
  for c in c1 c2 c3; do truth_neigh $c; done
  in_ns host iptables-save -t nat >"$OUT/truth-host-iptables-nat.txt"
}

# ---------------------------------------------------------------------------
# two-bridges: two user-defined networks on one host, routed (ip_forward=1,
# no DOCKER-ISOLATION rules, unlike real dockerd which drops bridge<->bridge)
#   br-5e1f0a2b3c4d 172.18.0.1/16: c1 172.18.0.2 (veth51a2b3c), c2 172.18.0.3 (veth52d4e5f)
#   br-7a8b9c0d1e2f 172.19.0.1/16: c3 172.19.0.2 (veth73a4b5c), c4 172.19.0.3 (veth74d6e7f)
scenario_two_bridges() {
  local BA=br-5e1f0a2b3c4d BB=br-7a8b9c0d1e2f
  mkns host; mkns c1; mkns c2; mkns c3; mkns c4
  mkbridge host $BA 172.18.0.1/16; in_ns host ip link set $BA address 02:42:5e:12:00:01
  mkbridge host $BB 172.19.0.1/16; in_ns host ip link set $BB address 02:42:5e:13:00:01
  in_ns host sysctl -qw net.ipv4.ip_forward=1
  attach c1 $BA host 172.18.0.2 16 172.18.0.1 veth51a2b3c
  attach c2 $BA host 172.18.0.3 16 172.18.0.1 veth52d4e5f
  attach c3 $BB host 172.19.0.2 16 172.19.0.1 veth73a4b5c
  attach c4 $BB host 172.19.0.3 16 172.19.0.1 veth74d6e7f
  settle 2
  capture host two-bridges-$BA.pcap tcpdump -i $BA -U -s 0
  capture host two-bridges-$BB.pcap tcpdump -i $BB -U -s 0
  capture host two-bridges-any.pcap tcpdump -i any -U -s 0
  capture host two-bridges-multi.pcapng dumpcap -q -i $BA -i $BB \
    -i veth51a2b3c -i veth52d4e5f -i veth73a4b5c -i veth74d6e7f
  settle 2
  in_ns c1 ping -c 3 -i 0.3 172.19.0.2 >"$OUT/ping-c1-c3.txt" || true
  in_ns c4 ping -c 2 -i 0.3 172.18.0.3 >"$OUT/ping-c4-c2.txt" || true
  in_ns c1 ping -c 2 -i 0.3 172.18.0.3 >"$OUT/ping-c1-c2.txt" || true
  in_ns c3 sh -c "echo cross | nc -u -w1 -p 42000 172.18.0.2 9999" || true
  stop_captures
  truth_bridge host $BA; truth_bridge host $BB
  in_ns host ip -j route show >"$OUT/truth-host-routes.json"
  truth_neigh host
  for c in c1 c2 c3 c4; do truth_neigh $c; done
}

# ---------------------------------------------------------------------------
# overlay-8472: overlay-learn with the VXLAN device on UDP 8472 (the Linux
# kernel default port, used by flannel), learning, flood entry 00:00:.. -> peer.
# Wireshark does not decode 8472 as VXLAN by default: use -d udp.port==8472,vxlan
scenario_overlay_8472() {
  mkns h1; mkns h2; mkns c1; mkns c2
  ip -n "$(ns h1)" link add eth0 type veth peer name eth0 netns "$(ns h2)"
  in_ns h1 ip addr add 192.0.2.1/24 dev eth0; in_ns h1 ip link set eth0 up
  in_ns h2 ip addr add 192.0.2.2/24 dev eth0; in_ns h2 ip link set eth0 up
  local h local_ip peer
  for h in h1 h2; do
    local_ip=192.0.2.1; peer=192.0.2.2; [ $h = h2 ] && { local_ip=192.0.2.2; peer=192.0.2.1; }
    mkbridge $h br0 ""
    in_ns $h ip link add vxlan0 type vxlan id 4097 dstport 8472 local $local_ip dev eth0 learning
    in_ns $h bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst $peer
    in_ns $h ip link set vxlan0 mtu 1450 master br0 up
  done
  attach c1 br0 h1 10.0.1.2 24 "" veth0c1
  attach c2 br0 h2 10.0.1.3 24 "" veth0c2
  in_ns c1 ip link set eth0 mtu 1450; in_ns c2 ip link set eth0 mtu 1450
  settle 2
  capture h1 overlay8472-underlay-h1.pcap tcpdump -i eth0 -U -s 0
  capture h2 overlay8472-underlay-h2.pcap tcpdump -i eth0 -U -s 0
  capture h1 overlay8472-multi-h1.pcapng dumpcap -q -i eth0 -i br0 -i vxlan0 -i veth0c1
  settle 2
  in_ns c1 ping -c 3 -i 0.3 10.0.1.3 >"$OUT/ping-c1-c2.txt" || true
  in_ns c2 sh -c "echo over8472 | nc -u -w1 -p 41000 10.0.1.2 9999" || true
  stop_captures
  for h in h1 h2; do
    in_ns $h bridge -j fdb show dev vxlan0 >"$OUT/truth-$h-vxlan0-fdb.json"
    truth_bridge $h br0; truth_neigh $h
  done
  truth_neigh c1; truth_neigh c2
}

# ---------------------------------------------------------------------------
# overlay-mtu: a correctly sized 1450-MTU VXLAN overlay (VNI 4098, port 4789)
# between h1 and h2, and a container c1 on h1's docker0 (MTU 1500) that h1
# ROUTES into the overlay (br0 has 10.0.1.1/24 on h1). c2 (10.0.1.3, MTU
# 1450, on h2) routes back via 10.0.1.1.
#   1. c1 ping -M dont -s 1472 c2 -> 1500-byte packet, h1 fragments it
#      (1448+...) before the 1450 overlay: IPv4 fragments inside VXLAN; c2's
#      1500-byte replies are fragmented by c2 itself
#   2. c1 ping -M do -s 1472 c2   -> h1 answers ICMP 3/4 "fragmentation
#      needed", next-hop MTU 1450, from 172.17.0.1; c1 caches PMTU 1450 and
#      reports the next DF sends as local errors (nothing on the wire)
#   3. c1 ping -M dont -s 1472 c2 again -> now c1 itself fragments at 1450
scenario_overlay_mtu() {
  mkns h1; mkns h2; mkns c1; mkns c2
  ip -n "$(ns h1)" link add eth0 type veth peer name eth0 netns "$(ns h2)"
  in_ns h1 ip addr add 192.0.2.1/24 dev eth0; in_ns h1 ip link set eth0 up
  in_ns h2 ip addr add 192.0.2.2/24 dev eth0; in_ns h2 ip link set eth0 up
  local h local_ip peer
  for h in h1 h2; do
    local_ip=192.0.2.1; peer=192.0.2.2; [ $h = h2 ] && { local_ip=192.0.2.2; peer=192.0.2.1; }
    mkbridge $h br0 ""
    in_ns $h ip link add vxlan0 type vxlan id 4098 dstport 4789 local $local_ip dev eth0 learning
    in_ns $h bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst $peer
    in_ns $h ip link set vxlan0 mtu 1450 master br0 up
  done
  in_ns h1 ip addr add 10.0.1.1/24 dev br0
  in_ns h1 ip link set br0 address 02:42:5e:0a:01:01
  in_ns h1 sysctl -qw net.ipv4.ip_forward=1
  mkbridge h1 docker0 "$B.0.1/16"
  in_ns h1 ip link set docker0 address 02:42:5e:1d:00:01
  attach c1 docker0 h1 "$B.0.2" 16 "$B.0.1" veth9c1d2e3
  attach c2 br0 h2 10.0.1.3 24 10.0.1.1 veth0c2
  in_ns c2 ip link set eth0 mtu 1450
  settle 2
  capture h1 overlay-mtu-underlay-h1.pcap tcpdump -i eth0 -U -s 0
  capture h1 overlay-mtu-br0-h1.pcap tcpdump -i br0 -U -s 0
  capture c1 overlay-mtu-c1-eth0.pcap tcpdump -i eth0 -U -s 0
  capture h1 overlay-mtu-multi-h1.pcapng dumpcap -q -i eth0 -i br0 -i vxlan0 -i docker0 -i veth9c1d2e3
  settle 2
  in_ns c1 ping -c 1 10.0.1.3 >"$OUT/ping-c1-c2-small.txt" 2>&1 || true
  ev "c1 ping -M dont -s 1472 (router h1 fragments)"
  in_ns c1 ping -M dont -s 1472 -c 2 -i 0.3 10.0.1.3 >"$OUT/ping-c1-c2-nodf-1.txt" 2>&1 || true
  ev "c1 ping -M do -s 1472 (expect ICMP frag needed mtu 1450 from $B.0.1)"
  in_ns c1 ping -M do -s 1472 -c 3 -i 0.3 -W 1 10.0.1.3 >"$OUT/ping-c1-c2-df.txt" 2>&1 || true
  in_ns c1 ip route get 10.0.1.3 >"$OUT/truth-c1-route-get.txt" 2>&1 || true
  ev "c1 ping -M dont -s 1472 (c1 fragments, PMTU cached)"
  in_ns c1 ping -M dont -s 1472 -c 2 -i 0.3 10.0.1.3 >"$OUT/ping-c1-c2-nodf-2.txt" 2>&1 || true
  stop_captures
  for h in h1 h2; do
    in_ns $h bridge -j fdb show dev vxlan0 >"$OUT/truth-$h-vxlan0-fdb.json"
    truth_bridge $h br0; truth_neigh $h
  done
  in_ns h1 bridge -j fdb show br docker0 >"$OUT/truth-h1-docker0-fdb.json"
  truth_neigh c1; truth_neigh c2
}

# ---------------------------------------------------------------------------
# overlay-pmtu-bridged: the misconfigured overlay. vxlan0 and both containers
# keep MTU 1500 on a 1500-MTU underlay, so encapsulated frames are 1550 bytes.
#   1. c1 ping -M dont -s 1472 c2 -> VXLAN packet is fragmented on the
#      UNDERLAY (outer IPv4 fragments; the inner packet is whole)
#   2. c1 ping -M do -s 1472 c2 -> the vxlan driver (bridged-tunnel PMTU, Linux
#      >= 5.9) drops it and injects ICMP 3/4 mtu 1450 back into br0, with the
#      source address of the DESTINATION (10.0.1.3) and MACs swapped
#   3. c1 ping -M dont -s 1472 c2 -> c1 now fragments at 1450 (inner fragments)
scenario_overlay_pmtu_bridged() {
  mkns h1; mkns h2; mkns c1; mkns c2
  ip -n "$(ns h1)" link add eth0 type veth peer name eth0 netns "$(ns h2)"
  in_ns h1 ip addr add 192.0.2.1/24 dev eth0; in_ns h1 ip link set eth0 up
  in_ns h2 ip addr add 192.0.2.2/24 dev eth0; in_ns h2 ip link set eth0 up
  local h local_ip peer
  for h in h1 h2; do
    local_ip=192.0.2.1; peer=192.0.2.2; [ $h = h2 ] && { local_ip=192.0.2.2; peer=192.0.2.1; }
    mkbridge $h br0 ""
    in_ns $h ip link add vxlan0 type vxlan id 4099 dstport 4789 local $local_ip learning
    in_ns $h bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst $peer
    in_ns $h ip link set vxlan0 mtu 1500 master br0 up
  done
  attach c1 br0 h1 10.0.1.2 24 "" veth0c1
  attach c2 br0 h2 10.0.1.3 24 "" veth0c2
  settle 2
  capture h1 pmtu-underlay-h1.pcap tcpdump -i eth0 -U -s 0
  capture h1 pmtu-br0-h1.pcap tcpdump -i br0 -U -s 0
  capture h1 pmtu-multi-h1.pcapng dumpcap -q -i eth0 -i br0 -i vxlan0 -i veth0c1
  settle 2
  in_ns c1 ping -c 1 10.0.1.3 >"$OUT/ping-c1-c2-small.txt" 2>&1 || true
  ev "c1 ping -M dont -s 1472 (outer fragmentation on underlay)"
  in_ns c1 ping -M dont -s 1472 -c 2 -i 0.3 10.0.1.3 >"$OUT/ping-c1-c2-nodf-1.txt" 2>&1 || true
  ev "c1 ping -M do -s 1472 (vxlan driver ICMP frag needed)"
  in_ns c1 ping -M do -s 1472 -c 3 -i 0.3 -W 1 10.0.1.3 >"$OUT/ping-c1-c2-df.txt" 2>&1 || true
  in_ns c1 ip route get 10.0.1.3 >"$OUT/truth-c1-route-get.txt" 2>&1 || true
  ev "c1 ping -M dont -s 1472 (inner fragmentation at c1)"
  in_ns c1 ping -M dont -s 1472 -c 2 -i 0.3 10.0.1.3 >"$OUT/ping-c1-c2-nodf-2.txt" 2>&1 || true
  stop_captures
  for h in h1 h2; do
    in_ns $h bridge -j fdb show dev vxlan0 >"$OUT/truth-$h-vxlan0-fdb.json"
    truth_bridge $h br0; truth_neigh $h
  done
  truth_neigh c1; truth_neigh c2
}
