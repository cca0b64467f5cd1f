export { EventDecoder, eventDecoderFor } from './event-decoder.ts';
// The framed decoder is loaded when the first framed record arrives (EventDecoder): types only here.
export type { DecodedFrame, FramedDecoder } from './framed-decoder.ts';
export { FRAME_HEADER_BYTES, isRegistryFramed, MAGIC_BYTE, schemaIdOf } from './framing.ts';
export { jsonInteger, toJsonValue } from './json-value.ts';
export { RegistryError, type RegistryErrorKind } from './registry-error.ts';
export { routeFrame, type RecordHeaders } from './routing.ts';
