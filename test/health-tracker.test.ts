import { EndpointHealthRepository, migrate } from '@hookline/db';
import { createTestWorld, type TestWorld } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthTracker } from '../services/dispatcher/src/deliver/health-tracker.ts';

/** The real repository, counting its success writes; `failNext` makes the next one fail. */
class CountingRepository extends EndpointHealthRepository {
  successWrites = 0;
  failNext = false;
  override async recordSuccess(endpointId: string, at: Date): Promise<Date | null> {
    this.successWrites++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database away');
    }
    return super.recordSuccess(endpointId, at);
  }
}

describe('dispatcher health tracker (real PostgreSQL)', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = createTestWorld('health-tracker');
    await migrate({ url: world.databaseUrl, schema: world.schema });
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('many concurrent successes of one endpoint make one write; a failed write is retried by the next success', async () => {
    const repo = new CountingRepository(world.pool);
    const tracker = new HealthTracker(repo, 60_000);
    const now = new Date();
    await Promise.all(Array.from({ length: 50 }, () => tracker.success('ep_busy', now)));
    expect(repo.successWrites).toBe(1);

    repo.failNext = true;
    await expect(tracker.success('ep_flaky', now)).rejects.toThrow('database away');
    await tracker.success('ep_flaky', now);
    expect(repo.successWrites).toBe(3);
  });
});
