/** The first byte of a registry-framed value (Confluent wire format). */
export const MAGIC_BYTE = 0x00;
/** Magic byte plus the 4-byte big-endian schema id. */
export const FRAME_HEADER_BYTES = 5;

/**
 * Whether a record value is registry-framed (magic byte 0, 4-byte schema id, then the Avro, JSON Schema or
 * Protobuf payload) rather than Hookline's JSON envelope. JSON text starts with `{` or whitespace (a BOM at most),
 * never with U+0000, so the first byte decides; a framed value too short to hold its schema id is still framed
 * (and fails to decode with that reason).
 */
export function isRegistryFramed(value: Buffer | null): value is Buffer {
  return value !== null && value.length > 0 && value[0] === MAGIC_BYTE;
}

/** The schema id of a framed value, or undefined when the value is shorter than the frame header. */
export function schemaIdOf(value: Buffer): number | undefined {
  return value.length < FRAME_HEADER_BYTES ? undefined : value.readInt32BE(1);
}
