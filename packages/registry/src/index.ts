export { EventDecoder, eventDecoderFor } from './event-decoder.ts';
export { FramedDecoder, type DecodedFrame } from './framed-decoder.ts';
export { FRAME_HEADER_BYTES, isRegistryFramed, MAGIC_BYTE, schemaIdOf } from './framing.ts';
export { jsonInteger, toJsonValue } from './json-value.ts';
export { RegistryError, type RegistryErrorKind } from './registry-error.ts';
export { routeFrame, type RecordHeaders } from './routing.ts';
