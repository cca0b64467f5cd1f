import { describe, expect, it } from 'vitest';
import { pendingShutdownSteps, shutdownStep } from './lifecycle.ts';

describe('shutdownStep', () => {
  it('lists the parts of a stop still running, in the order they began, until each settles', async () => {
    let endPool!: () => void;
    let failDisconnect!: (err: Error) => void;
    const pool = shutdownStep('postgres pool', new Promise<void>((r) => (endPool = r)));
    const disconnect = shutdownStep('kafka producers', new Promise<void>((_, reject) => (failDisconnect = reject)));
    expect(pendingShutdownSteps()).toEqual(['postgres pool', 'kafka producers']);
    failDisconnect(new Error('broker gone'));
    await expect(disconnect).rejects.toThrow('broker gone');
    expect(pendingShutdownSteps()).toEqual(['postgres pool']);
    endPool();
    await pool;
    expect(pendingShutdownSteps()).toEqual([]);
  });

  it('keeps a name listed while any of the parts of that name runs', async () => {
    let first!: () => void;
    let second!: () => void;
    const a = shutdownStep('consumer: disconnect', new Promise<void>((r) => (first = r)));
    const b = shutdownStep('consumer: disconnect', new Promise<void>((r) => (second = r)));
    first();
    await a;
    expect(pendingShutdownSteps()).toEqual(['consumer: disconnect']);
    second();
    await b;
    expect(pendingShutdownSteps()).toEqual([]);
  });
});
