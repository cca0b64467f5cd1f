/** Thrown by {@link loadConfig} when the environment does not satisfy a schema; lists every problem at once. */
export class ConfigError extends Error {
  readonly code = 'HKL_CONFIG_INVALID';
  readonly retryable = false;
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
