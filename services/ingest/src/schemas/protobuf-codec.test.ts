import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { compileProtobuf } from './protobuf-codec.ts';
import { frame } from './registry-framing.ts';

const proto = `syntax = "proto3";
package acme.shop;
import "google/protobuf/timestamp.proto";
enum Status { UNKNOWN = 0; PAID = 1; }
message Order {
  string order_id = 1;
  int64 total = 2;
  Status status = 3;
  repeated Item items = 4;
  map<int32, string> notes = 5;
  oneof pay { string card = 6; string iban = 7; }
  google.protobuf.Timestamp at = 8;
}
message Item { string sku = 1; uint32 qty = 2; }`;

describe('Protobuf codec', () => {
  const codec = compileProtobuf(proto);

  it('takes the first message, proto3 JSON names and forms, and encodes what protobufjs decodes', () => {
    const data = { orderId: 'o1', total: '12345678901234', status: 'PAID', items: [{ sku: 'a', qty: 2 }], notes: { '7': 'x' }, card: 'c', at: { seconds: 5 } };
    expect(codec.violations(data)).toEqual([]);
    const root = protobuf.parse(proto).root;
    root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
    const Order = root.lookupType('acme.shop.Order');
    expect(Order.toObject(Order.decode(codec.encode(data)), { longs: String, enums: String })).toEqual({ ...data, at: { seconds: '5' } });
  });

  it('lists every violation with its path', () => {
    expect(codec.violations({ orderId: 3, total: 1.5, status: 'LOST', items: [{ sku: 'a', qty: -1 }, 4], notes: { x: 'y' }, card: 'c', iban: 'i', other: 1 })).toEqual([
      { path: 'data', message: 'must not have property "other" (not a field of Order)' },
      { path: 'data.orderId', message: 'must be a string' },
      { path: 'data.total', message: 'must be a int64 (an integer from -9223372036854775808 to 9223372036854775807, a number or a decimal string)' },
      { path: 'data.status', message: 'must be one of "UNKNOWN", "PAID" (enum Status)' },
      { path: 'data.items.0.qty', message: 'must be a uint32 (an integer from 0 to 4294967295)' },
      { path: 'data.items.1', message: 'must be an object (message Item)' },
      { path: 'data.notes', message: 'key "x" must be a int32 (an integer from -2147483648 to 2147483647)' },
      { path: 'data', message: 'must set at most one of "card", "iban" (oneof pay)' },
    ]);
  });

  it('refuses texts that do not parse, resolve or declare a message, and imports it cannot know', () => {
    expect(() => compileProtobuf('message {')).toThrow(/not a valid Protobuf schema/);
    expect(() => compileProtobuf('syntax = "proto3"; message A { strin x = 1; }')).toThrow(/strin/);
    expect(() => compileProtobuf('syntax = "proto3"; enum E { A = 0; }')).toThrow(/declares no message/);
    expect(() => compileProtobuf('syntax = "proto3"; import "other.proto"; message A { string x = 1; }')).toThrow(/well-known/);
  });

  it('fingerprints what the schema means, not how it is written', () => {
    // A registry's rendering: qualified type names, declarations reordered, other whitespace.
    const rendered = `syntax = "proto3";
package acme.shop;

import "google/protobuf/timestamp.proto";

message Order {
  string order_id = 1;
  int64 total = 2;
  .acme.shop.Status status = 3;
  repeated .acme.shop.Item items = 4;
  map<int32, string> notes = 5;
  .google.protobuf.Timestamp at = 8;

  oneof pay {
    string card = 6;
    string iban = 7;
  }
}
message Item {
  string sku = 1;
  uint32 qty = 2;
}
enum Status {
  UNKNOWN = 0;
  PAID = 1;
}`;
    expect(compileProtobuf(rendered).fingerprint).toBe(codec.fingerprint);
    expect(compileProtobuf(rendered.replace('uint32 qty = 2', 'uint32 qty = 3')).fingerprint).not.toBe(codec.fingerprint);
    expect(compileProtobuf(rendered.replace('PAID = 1', 'PAID = 2')).fingerprint).not.toBe(codec.fingerprint);
  });

  it('frames payloads in the Confluent wire format (message index 0 before a Protobuf payload)', () => {
    expect(frame(7, 'avro', Buffer.from([9])).toString('hex')).toBe('000000000709');
    expect(frame(7, 'protobuf', Buffer.from([9])).toString('hex')).toBe('00000000070009');
  });
});
