#!/usr/bin/env bash
# Regenerates test/golden/tshark/<capture path with / as __>.tshark.json: tshark's
# decode of every capture in captures/, with the same fields and command as
# ../shared/corpus/expected (see its README), so test/cli/decode-captures.test.ts
# can compare `dockshark decode --ndjson` with tshark on our own recordings
# without needing tshark installed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=test/golden/tshark
mkdir -p "$out"
fields=(frame.number frame.len frame.cap_len eth.src eth.dst eth.type vlan.id arp.opcode arp.src.hw_mac
  arp.src.proto_ipv4 arp.dst.hw_mac arp.dst.proto_ipv4 ip.src ip.dst ip.proto ip.ttl ip.id ip.flags.mf
  ip.frag_offset ip.checksum.status icmp.type icmp.code icmp.ident icmp.seq udp.srcport udp.dstport udp.length
  vxlan.vni tcp.srcport tcp.dstport tcp.flags ipv6.src ipv6.dst icmpv6.type dns.qry.name _ws.malformed
  _ws.expert.message)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done
tshark --version 2>/dev/null | head -1 > "$out/VERSION"
find captures -name '*.pcap' -o -name '*.pcapng' | sort | while read -r cap; do
  name=${cap#captures/}
  tshark -r "$cap" -T ek "${args[@]}" > "$out/${name//\//__}.tshark.json" 2> >(grep -v "Running as user" >&2)
done
