import type * as AvroCodec from './avro-codec.ts';
import type * as ProtobufCodec from './protobuf-codec.ts';

/**
 * The Avro and Protobuf schema compilers, loaded the first time an event type needs one. Only a deployment with a
 * schema registry has such types; the libraries behind them (avsc, protobufjs) would otherwise stay in every ingest
 * process's memory for nothing (issue 19: memory).
 */
let avro: Promise<typeof AvroCodec> | undefined;
let protobuf: Promise<typeof ProtobufCodec> | undefined;

export const avroCodec = (): Promise<typeof AvroCodec> => (avro ??= import('./avro-codec.ts'));
export const protobufCodec = (): Promise<typeof ProtobufCodec> => (protobuf ??= import('./protobuf-codec.ts'));
