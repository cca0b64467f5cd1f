import { describe, expect, it } from 'vitest';
import { IDLE_MEMORY_DEFAULTS, memoryReleaseDue } from './idle-memory.ts';

const MiB = 1024 * 1024;

describe('memoryReleaseDue', () => {
  it('gives memory back when the loop was idle and the resident set grew past its floor', () => {
    expect(memoryReleaseDue({ utilization: 0.01, memoryBytes: 240 * MiB, floorBytes: 130 * MiB }, IDLE_MEMORY_DEFAULTS)).toBe(true);
  });

  it('waits while the service is busy, however much it grew', () => {
    expect(memoryReleaseDue({ utilization: 0.2, memoryBytes: 400 * MiB, floorBytes: 130 * MiB }, IDLE_MEMORY_DEFAULTS)).toBe(false);
    expect(memoryReleaseDue({ utilization: 0.05, memoryBytes: 400 * MiB, floorBytes: 130 * MiB }, IDLE_MEMORY_DEFAULTS)).toBe(false);
  });

  it('leaves an idle service alone until it grew by the whole threshold', () => {
    expect(memoryReleaseDue({ utilization: 0, memoryBytes: 130 * MiB + 31 * MiB, floorBytes: 130 * MiB }, IDLE_MEMORY_DEFAULTS)).toBe(false);
    expect(memoryReleaseDue({ utilization: 0, memoryBytes: 130 * MiB + 32 * MiB, floorBytes: 130 * MiB }, IDLE_MEMORY_DEFAULTS)).toBe(true);
  });
});
