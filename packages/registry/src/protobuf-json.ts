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
