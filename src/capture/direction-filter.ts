// The BPF filters of the two libpcap sessions that read one interface, one per direction,
// and why they are not simply `inbound` and `outbound`.
//
// When a filter is set, libpcap 1.10 on Linux (pcap_setfilter_linux) also runs it, in its
// own userland BPF interpreter, on the frames already in the ring plus one more (it counts
// the ring slots the kernel had filled, plus one for a race). The direction keywords
// compile to a load of the kernel's packet type (SKF_AD_PKTTYPE, offset 0xfffff004), which
// only the kernel's interpreter has: libpcap's rejects any frame that makes that load. So a
// session filtered on `inbound` lost the first frame it received. Measured (3 pings into a
// veth): `inbound` captured 2 requests, `icmp` 6 frames; `tcpdump -i X inbound` captured 2 too.
//
// The workaround: `(1 << ((len | 32) & 32)) == 0 or inbound`. The shift count is 32:
// libpcap's interpreter makes that 0 (it checks the count), the kernel's makes it 1 (the
// count is taken modulo 32, as by its interpreter and by the x86 and arm64 JITs). So the
// kernel checks the direction and libpcap's userland pass accepts what the kernel let in.
// `(len | 32) & 32` is 32 for every frame but not a constant to libpcap's optimizer, which
// would fold `1 << 32` by its own rule (0) into the kernel's program as well, making it
// accept everything. (If a libpcap ever shifted like the kernel, the first frame would be
// lost again, no more; the live tests would say so.)
//
// What it costs: frames that entered the ring in the microseconds between the socket's
// creation and the filter (inside cap's open()) are accepted without their direction
// checked, so a frame arriving exactly then can be recorded in the wrong direction (and,
// when it was inbound, twice). Losing the first frame of every session was certain.

/** Always true in libpcap's userland interpreter, always false in the kernel's (see above). */
const USERLAND_ONLY = '(1 << ((len | 32) & 32)) == 0';

/** The filter of the session that reads `direction`'s frames, the user's `filter` ('' for none) included. */
export function directionFilter(filter: string, direction: 'in' | 'out'): string {
  const keyword = direction === 'in' ? 'inbound' : 'outbound';
  const mine = `(${USERLAND_ONLY} or ${keyword})`;
  return filter === '' ? mine : `(${filter}) and ${mine}`;
}
