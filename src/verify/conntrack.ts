// NAT: the kernel's connection tracking (`conntrack -L`) against the translations
// dockshark rebuilt. Every translated conntrack entry must be ours with the same original
// and reply tuples; an untranslated one we report as translated is a difference; a
// translated one the capture does not show on both sides of the NAT is unchecked. Our translations
// conntrack does not hold are differences too: conntrack forgets a connection once its
// timeout passes (30 s for unanswered UDP and ICMP), so a dump taken long after the
// capture lacks them, and the sentence says so.

import { asReportTuples, isTranslated, translationOf } from '../topology/conntrack.js';
import type { ConntrackEntry } from '../topology/types.js';
import { finding, type Finding, type Verdict } from './findings.js';
import type { OurNatEntry, OurTuple, ReportView } from './report-view.js';
import type { Seen } from './sightings.js';

type KernelEntry = ConntrackEntry & { readonly file: string };

export function verifyConntrack(kernel: readonly KernelEntry[], ours: ReportView, seen: Seen): Finding[] {
  const out: Finding[] = [];
  const files = [...new Set(kernel.map((e) => e.file))];
  for (const file of files) {
    const matched = new Set<OurNatEntry>();
    for (const k of kernel) {
      if (k.file !== file || !['tcp', 'udp', 'icmp'].includes(k.proto)) continue;
      const mine = ours.nat.find((n) => n.proto === k.proto && sameTuple(n.original, asReportTuples(k).original as unknown as OurTuple));
      if (mine !== undefined) matched.add(mine);
      const f = checkEntry(k, mine, seen);
      if (f !== null) out.push(f);
    }
    for (const mine of ours.nat) {
      if (matched.has(mine)) continue;
      out.push({ ...finding('nat', 'differ', file, mine.proto, `${mine.proto} ${tupleText(mine.original)}`, null, `reply ${tupleText(mine.reply)}`,
        'conntrack has no such connection (it forgets one once its timeout passes: 30 s for unanswered UDP and ICMP).'),
      inside: mine.type === 'dnat' ? mine.reply.src : mine.original.src });
    }
  }
  return out;
}

/** One conntrack entry against ours with the same original tuple (if any); null when there is nothing to say. */
function checkEntry(k: KernelEntry, mine: OurNatEntry | undefined, seen: Seen): Finding | null {
  const kt = asReportTuples(k);
  const key = `${k.proto} ${tupleText(kt.original as unknown as OurTuple)}`;
  const kernelText = `reply ${tupleText(kt.reply as unknown as OurTuple)}`;
  const ourText = mine === undefined ? null : `reply ${tupleText(mine.reply)}`;
  const at = (verdict: Verdict, kernelSays: string, why: string | null): Finding =>
    ({ ...finding('nat', verdict, k.file, k.proto, key, kernelSays, ourText, why), inside: translationOf(k).dnat ? k.reply.src : k.original.src });
  if (!isTranslated(k)) {
    return mine === undefined ? null
      : at('differ', `${kernelText} (untranslated)`, 'The kernel did not translate this connection; dockshark reports a translation.');
  }
  if (mine !== undefined) {
    return sameTuple(mine.reply, kt.reply as unknown as OurTuple) ? at('agree', kernelText, null) : at('differ', kernelText, 'The reply tuples differ.');
  }
  // A translation shows only where both sides are captured: before it (the original
  // tuple) and after it (the reply tuple, either way).
  const inside = seen.sawPacket(k.original.src, k.original.dst);
  const outside = seen.sawPacket(k.reply.src, k.reply.dst) || seen.sawPacket(k.reply.dst, k.reply.src);
  if (inside && outside) return at('differ', kernelText, 'The capture has packets of this connection on both sides of the NAT, but dockshark rebuilt no translation for it.');
  return at('unchecked', kernelText, inside || outside
    ? 'The capture shows this connection on one side of the NAT only, so the translation cannot be seen.'
    : 'The capture has no packet of this connection: it predates the capture.');
}

function sameTuple(a: OurTuple, b: OurTuple): boolean {
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport && a.id === b.id;
}

function tupleText(t: OurTuple): string {
  return t.id !== undefined ? `${t.src} > ${t.dst} id ${t.id}` : `${t.src}:${t.sport} > ${t.dst}:${t.dport}`;
}
