// NAT: the kernel's connection tracking (`conntrack -L`) against the translations
// dockshark rebuilt. Every translated conntrack entry must be ours with the same original
// and reply tuples; an untranslated one we report as translated is a difference; a
// translated one the capture does not show on both sides of the NAT is unchecked. Our translations
// conntrack does not hold are differences too: conntrack forgets a connection once its
// timeout passes (30 s for unanswered UDP and ICMP), so a dump taken long after the
// capture lacks them, and the sentence says so.

import { asReportTuples, isTranslated } from '../topology/conntrack.js';
import type { ConntrackEntry } from '../topology/types.js';
import { finding, type Finding } from './findings.js';
import type { OurNatEntry, OurTuple, ReportView } from './report-view.js';
import type { Seen } from './sightings.js';

type KernelEntry = ConntrackEntry & { readonly file: string };

export function verifyConntrack(kernel: readonly KernelEntry[], ours: ReportView, seen: Seen): Finding[] {
  const out: Finding[] = [];
  const files = [...new Set(kernel.map((e) => e.file))];
  for (const file of files) {
    const entries = kernel.filter((e) => e.file === file && ['tcp', 'udp', 'icmp'].includes(e.proto));
    const matched = new Set<OurNatEntry>();
    for (const k of entries) {
      const kt = asReportTuples(k);
      const key = `${k.proto} ${tupleText(kt.original as unknown as OurTuple)}`;
      const kernelText = `reply ${tupleText(kt.reply as unknown as OurTuple)}`;
      const mine = ours.nat.find((n) => n.proto === k.proto && sameTuple(n.original, kt.original as unknown as OurTuple));
      if (mine !== undefined) matched.add(mine);
      const translated = isTranslated(k);
      if (!translated) {
        if (mine !== undefined) {
          out.push(finding('nat', 'differ', file, k.proto, key, `${kernelText} (untranslated)`, `reply ${tupleText(mine.reply)}`,
            'The kernel did not translate this connection; dockshark reports a translation.'));
        }
        continue;
      }
      if (mine === undefined) {
        // A translation shows only where both sides are captured: before it (the original
        // tuple) and after it (the reply tuple, either way).
        const inside = seen.sawPacket(k.original.src, k.original.dst);
        const outside = seen.sawPacket(k.reply.src, k.reply.dst) || seen.sawPacket(k.reply.dst, k.reply.src);
        out.push(inside && outside
          ? finding('nat', 'differ', file, k.proto, key, kernelText, null, 'The capture has packets of this connection on both sides of the NAT, but dockshark rebuilt no translation for it.')
          : finding('nat', 'unchecked', file, k.proto, key, kernelText, null, inside || outside
            ? 'The capture shows this connection on one side of the NAT only, so the translation cannot be seen.'
            : 'The capture has no packet of this connection: it predates the capture.'));
      } else if (sameTuple(mine.reply, kt.reply as unknown as OurTuple)) {
        out.push(finding('nat', 'agree', file, k.proto, key, kernelText, `reply ${tupleText(mine.reply)}`));
      } else {
        out.push(finding('nat', 'differ', file, k.proto, key, kernelText, `reply ${tupleText(mine.reply)}`, 'The reply tuples differ.'));
      }
    }
    for (const mine of ours.nat) {
      if (matched.has(mine)) continue;
      out.push(finding('nat', 'differ', file, mine.proto, `${mine.proto} ${tupleText(mine.original)}`, null, `reply ${tupleText(mine.reply)}`,
        'conntrack has no such connection (it forgets one once its timeout passes: 30 s for unanswered UDP and ICMP).'));
    }
  }
  return out;
}

function sameTuple(a: OurTuple, b: OurTuple): boolean {
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport && a.id === b.id;
}

function tupleText(t: OurTuple): string {
  return t.id !== undefined ? `${t.src} > ${t.dst} id ${t.id}` : `${t.src}:${t.sport} > ${t.dst}:${t.dport}`;
}
