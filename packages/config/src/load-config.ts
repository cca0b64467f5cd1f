import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Validates `env` against `shape` completely and returns the typed result, or throws a {@link ConfigError}
 * listing every problem (so an operator fixes them all at once, before any connection is opened).
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return result.data;
}

/** Lists each variable of a shape with its description and default (none: required or optional). */
export function describeConfig(shape: z.ZodRawShape): Array<{ name: string; description: string; defaultValue?: string }> {
  return Object.entries(shape).map(([name, schema]) => {
    const s = schema as z.ZodType;
    const parsed = s.safeParse(undefined);
    const entry = { name, description: s.description ?? '' };
    return parsed.success && parsed.data !== undefined ? { ...entry, defaultValue: String(parsed.data) } : entry;
  });
}
