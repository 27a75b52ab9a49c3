// Public surface of the decoders.
export { FrameDecoder, DecodedFrame, firstDecoderFor, MAX_LAYERS, type FrameInput } from './frame.js';
export type { DecodeOptions } from './context.js';
export type { DecodeIssue, IssueKind, LayerName } from './issues.js';
export * from './layers.js';
export { layerToJson, layerListToJson, issueToJson, tcpFlagLetters, type LayerJson, type JsonValue } from './json.js';
export { safeLines, needsEscape } from './escape.js';
export { describeLayers, writeLayers, safeText, phrase, StringSink, type MemoWriter, type Phrase, type TextSink } from './describe.js';
export { formatMac, formatIpv4, formatIpv6, isIpv4Mapped, longestZeroRun, parseMac, parseIpv4, parseIpv6, isGroupMac, type MacNumber } from './addr.js';
export { parseFilter, FilterSyntaxError, MutableFilterFrame, type FrameFilter, type FilterFrame, type ContainerNames } from './dfilter.js';
