import protobuf from 'protobufjs';

/** The part of a protobufjs message type this needs. */
export interface ProtoType {
  fullName: string;
  fieldsArray: Array<{ name: string; repeated: boolean; map: boolean; resolvedType: unknown }>;
  toObject(message: unknown, options: object): Record<string, unknown>;
}

const isType = (t: unknown): t is ProtoType => t !== null && typeof t === 'object' && Array.isArray((t as ProtoType).fieldsArray);

/**
 * A decoded Protobuf message as a JSON-ready object: enums by name, bytes base64, int64 left as Long (mapped by
 * toJsonValue), every declared field present (proto3 defaults: 0, "", false, [], {}, null for an unset message),
 * keys in declaration order at every level (protobufjs puts repeated and map fields first).
 */
export function protobufObject(type: ProtoType, message: unknown): Record<string, unknown> {
  return ordered(type, type.toObject(message, { enums: String, bytes: String, defaults: true, arrays: true, objects: true }));
}

function ordered(type: ProtoType, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = obj[field.name];
    const nested = field.resolvedType;
    if (!isType(nested) || value === null || value === undefined) out[field.name] = value;
    else if (field.repeated && Array.isArray(value)) out[field.name] = value.map((v) => ordered(nested, v as Record<string, unknown>));
    else if (field.map) out[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, ordered(nested, v as Record<string, unknown>)]));
    else out[field.name] = ordered(nested, value as Record<string, unknown>);
  }
  return out;
}

const WELL_KNOWN = ['any', 'duration', 'empty', 'field_mask', 'struct', 'timestamp', 'wrappers'] as const;

/**
 * Gives a parsed schema Google's well-known types (google/protobuf/timestamp.proto and the rest), which a schema may
 * import without registering them as references (ingest accepts such schemas), then resolves every type so that a
 * schema still naming an unknown type fails here, once, as unusable.
 */
export function resolveWithWellKnownTypes(type: ProtoType & { root: protobuf.Root }): void {
  const root = type.root;
  for (const name of WELL_KNOWN) {
    const json = protobuf.common.get(`google/protobuf/${name}.proto`);
    const first = json?.nested && Object.keys((json.nested.google as { nested: { protobuf: { nested: object } } }).nested.protobuf.nested)[0];
    if (json?.nested && first && !root.lookup(`google.protobuf.${first}`)) root.addJSON(json.nested);
  }
  root.resolveAll();
}

/**
 * A Protobuf schema the client library cannot build (it takes the file's first declaration as the message, so a file
 * that declares an enum first fails; ingest, like Confluent's message index 0, takes the first message): parsed here
 * with the well-known types, in the shape the library's cache holds (`message`, `fromBuffer`). The payload's message
 * indexes (`[0]`: one zero byte, or none as the library writes them) are skipped the way the library does.
 */
export function protobufSchemaFromText(text: string): { message: protobuf.Type; fromBuffer(buf: Buffer): unknown } {
  const parsed = protobuf.parse(text);
  const scope = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
  const message = scope instanceof protobuf.Namespace ? scope.nestedArray.find((n) => n instanceof protobuf.Type) : undefined;
  if (!(message instanceof protobuf.Type)) throw new Error('the schema declares no message');
  resolveWithWellKnownTypes(message as unknown as ProtoType & { root: protobuf.Root });
  return {
    message,
    fromBuffer: (buf) => {
      const start = buf.findIndex((b) => b !== 0);
      return message.decode(start < 0 ? Buffer.alloc(0) : buf.subarray(start));
    },
  };
}
