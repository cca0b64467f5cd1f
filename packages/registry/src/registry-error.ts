import { HooklineError } from '@hookline/contracts';

/** Why a registry-framed record could not become an event. */
export type RegistryErrorKind = 'unknown_schema' | 'undecodable' | 'no_routing' | 'unavailable';

const CODES: Record<RegistryErrorKind, string> = {
  unknown_schema: 'HKL_REGISTRY_UNKNOWN_SCHEMA',
  undecodable: 'HKL_REGISTRY_UNDECODABLE',
  no_routing: 'HKL_REGISTRY_NO_ROUTING',
  unavailable: 'HKL_REGISTRY_UNAVAILABLE',
};

/**
 * A registry-framed record that could not be decoded. `unavailable` is the only retryable kind: the registry did not
 * answer (down, timing out, 5xx), so the record must wait for it, never go to the invalid topic. The others are the
 * record's own fault and send it to the invalid topic with {@link reason}.
 */
export class RegistryError extends HooklineError {
  readonly kind: RegistryErrorKind;

  constructor(kind: RegistryErrorKind, message: string, cause?: unknown) {
    super({ code: CODES[kind], message, retryable: kind === 'unavailable', stage: 'decode', cause });
    this.name = 'RegistryError';
    this.kind = kind;
  }

  /** The invalid topic's reason header: code and message, bounded. */
  get reason(): string {
    return `${this.code}: ${this.message}`.slice(0, 1_000);
  }
}
