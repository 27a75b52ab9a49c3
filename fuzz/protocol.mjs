// Where the protocol fields inside one captured frame are, for the protocol-aware mutations:
// a quick walk of the link, VLAN, IPv4/IPv6, UDP, VXLAN, ARP and DNS headers (no checks
// beyond what is needed to find the next header).

const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8, 0x9100]);

/** Field targets in a frame at [offset, offset + length): [{ name, offset, size }]. */
export function frameFields(bytes, frame) {
  const end = Math.min(bytes.length, frame.offset + frame.length);
  const u16 = (at) => (at + 2 <= end ? (bytes[at] << 8) | bytes[at + 1] : -1);
  const fields = [];
  let at = frame.offset;
  let ethertype = -1;
  switch (frame.linkType) {
    case 1: { // EN10MB
      at += 12;
      ethertype = u16(at);
      fields.push({ name: 'ethertype', offset: at, size: 2 });
      while (ETHERTYPE_VLAN.has(ethertype)) {
        at += 4;
        ethertype = u16(at);
        fields.push({ name: 'ethertype', offset: at, size: 2 });
      }
      at += 2;
      break;
    }
    case 113: // LINUX_SLL
      ethertype = u16(at + 14);
      fields.push({ name: 'ethertype', offset: at + 14, size: 2 });
      at += 16;
      break;
    case 276: // LINUX_SLL2
      ethertype = u16(at);
      fields.push({ name: 'ethertype', offset: at, size: 2 });
      at += 20;
      break;
    case 0:
    case 108: // NULL, LOOP: a 4-byte address family
      fields.push({ name: 'ethertype', offset: at, size: 4 });
      ethertype = at < end && (bytes[at + 3] === 2 || bytes[at] === 2) ? 0x0800 : 0x86dd;
      at += 4;
      break;
    case 101: case 228: case 229:
      ethertype = at < end ? ((bytes[at] >> 4) === 6 ? 0x86dd : 0x0800) : -1;
      break;
    default:
      return fields;
  }
  if (ethertype === 0x0806) arpFields(at, end, fields);
  else if (ethertype === 0x0800) ipv4Fields(bytes, at, end, fields);
  else if (ethertype === 0x86dd) ipv6Fields(bytes, at, end, fields);
  return fields.filter((f) => f.offset + f.size <= end);
}

function arpFields(at, end, fields) {
  fields.push({ name: 'arp-hlen', offset: at + 4, size: 1 }, { name: 'arp-plen', offset: at + 5, size: 1 });
}

function ipv4Fields(bytes, at, end, fields) {
  if (at + 20 > end) return;
  fields.push(
    { name: 'ipv4-ihl', offset: at, size: 1, nibble: 'low' },
    { name: 'ipv4-total-length', offset: at + 2, size: 2 },
    { name: 'ipv4-flags', offset: at + 6, size: 1, nibble: 'flags' },
    { name: 'ipv4-fragment-offset', offset: at + 6, size: 2, mask: 0x1fff },
    { name: 'ipv4-protocol', offset: at + 9, size: 1 },
  );
  const ihl = (bytes[at] & 0x0f) * 4;
  if (bytes[at + 9] === 17 && ihl >= 20) udpFields(bytes, at + ihl, end, fields);
}

function ipv6Fields(bytes, at, end, fields) {
  if (at + 40 > end) return;
  fields.push({ name: 'ipv6-payload-length', offset: at + 4, size: 2 }, { name: 'ipv6-next-header', offset: at + 6, size: 1 });
  if (bytes[at + 6] === 17) udpFields(bytes, at + 40, end, fields);
}

function udpFields(bytes, at, end, fields) {
  if (at + 8 > end) return;
  fields.push({ name: 'udp-length', offset: at + 4, size: 2 });
  const src = (bytes[at] << 8) | bytes[at + 1];
  const dst = (bytes[at + 2] << 8) | bytes[at + 3];
  const body = at + 8;
  if (dst === 4789 || src === 4789 || dst === 8472 || dst === 6081) {
    fields.push({ name: 'vxlan-flags', offset: body, size: 1 });
    // the inner frame is Ethernet: recurse once so inner headers get mutated too
    if (dst !== 6081 && body + 8 < end) fields.push(...frameFields(bytes, { offset: body + 8, length: end - body - 8, linkType: 1 }).map((f) => ({ ...f, name: f.name })));
  }
  if ((src === 53 || dst === 53 || src === 5353 || dst === 5353) && body + 12 <= end) {
    fields.push(
      { name: 'dns-count', offset: body + 4, size: 2 }, { name: 'dns-count', offset: body + 6, size: 2 },
      { name: 'dns-count', offset: body + 8, size: 2 }, { name: 'dns-count', offset: body + 10, size: 2 },
    );
    if (body + 14 <= end) fields.push({ name: 'dns-pointer', offset: body + 12, size: 2, dnsStart: body, dnsEnd: end });
  }
}
