/**
 * A registry-framed record value in the Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian
 * integer, then the payload. Protobuf payloads are preceded by their message indexes; Hookline's message is the
 * first of the file, whose indexes `[0]` are written as the single byte 0.
 */
export function frame(schemaId: number, format: 'json' | 'avro' | 'protobuf', payload: Buffer): Buffer {
  const header = Buffer.alloc(format === 'protobuf' ? 6 : 5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}
