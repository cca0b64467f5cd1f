import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { HooklineError } from '../domain/errors.ts';
import type { SchemaValidator } from './schema-validator.ts';

/**
 * Event type schemas in a Confluent-compatible Schema Registry: one subject per tenant and event type,
 * `hookline-<tenant>-<type>`, JSON Schema, BACKWARD compatibility (a new version must accept what the previous
 * one produced), so the registry refuses a schema change that would break consumers.
 */
export class SchemaRegistryClient {
  readonly #registry: SchemaRegistry;
  readonly #baseUrl: string;

  /** `validator` compiles schemas for the client, so every dialect Hookline accepts is accepted here too. */
  constructor(baseUrl: string, validator: SchemaValidator) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#registry = new SchemaRegistry(
      { host: this.#baseUrl },
      { [SchemaType.JSON]: { ajvInstance: { addSchema: (() => undefined) as never, compile: (schema: Record<string, unknown>) => validator.compile(schema) } } },
    );
  }

  static subject(tenantId: string, type: string): string {
    return `hookline-${tenantId}-${type}`;
  }

  /** Registers a schema version (an identical schema returns the existing version). */
  async register(tenantId: string, type: string, schema: Record<string, unknown>): Promise<{ id: number; version: number }> {
    const subject = SchemaRegistryClient.subject(tenantId, type);
    let id: number;
    try {
      ({ id } = await this.#registry.register({ type: SchemaType.JSON, schema: JSON.stringify(schema) }, { subject }));
    } catch (err) {
      const e = err as { status?: number; message?: string };
      if (e.status === 409 || /compatib|RuleViolation/i.test(e.message ?? '')) {
        throw new HooklineError({
          code: 'HKL_SCHEMA_INCOMPATIBLE',
          status: 409,
          message: `the schema is not backward compatible with the current version of ${type}: ${e.message ?? ''}`.slice(0, 500),
          cause: err,
        });
      }
      if (e.status !== undefined && e.status >= 400 && e.status < 500) {
        // The registry judged the document itself (a schema it cannot parse): the caller's to fix, not a retry.
        throw new HooklineError({
          code: 'HKL_SCHEMA_REFUSED',
          status: 422,
          message: 'the schema registry refused the schema',
          errors: [{ path: 'schema', message: `refused by the schema registry (${e.status}): ${e.message ?? ''}`.slice(0, 500) }],
          cause: err,
        });
      }
      throw new HooklineError({ code: 'HKL_SCHEMA_REGISTRY_UNAVAILABLE', status: 503, retryable: true, message: 'the schema registry did not accept the schema', cause: err });
    }
    const latest = await fetch(`${this.#baseUrl}/subjects/${encodeURIComponent(subject)}/versions/latest`);
    const version = latest.ok ? ((await latest.json()) as { version: number }).version : 1;
    return { id, version };
  }

  /** Deletes the subject and its versions (soft delete, as the registry defines it). */
  async delete(tenantId: string, type: string): Promise<void> {
    const res = await fetch(`${this.#baseUrl}/subjects/${encodeURIComponent(SchemaRegistryClient.subject(tenantId, type))}`, { method: 'DELETE' });
    await res.body?.cancel();
  }

  /** True when the registry answers (for `/readyz`). */
  async ping(): Promise<boolean> {
    try {
      const res = await fetch(`${this.#baseUrl}/subjects`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }
}
