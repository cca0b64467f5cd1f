import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { IntervalCommitter } from './interval-committer.ts';

/** The slice of a kafkajs consumer `leave` uses: its group events and a disconnect that ends when `answer` is called. */
function consumerStub(): { consumer: Consumer; emit: (event: string, payload?: unknown) => void; answer: () => void; disconnects: () => number; commits: () => number } {
  const emitter = new EventEmitter();
  let answer = () => {};
  let disconnects = 0;
  let commits = 0;
  const consumer = {
    events: { GROUP_JOIN: 'group_join', REBALANCING: 'rebalancing', CRASH: 'crash' },
    on: (event: string, listener: (e: unknown) => void) => emitter.on(event, listener),
    disconnect: () => {
      disconnects++;
      return new Promise<void>((r) => (answer = r));
    },
    // A commit the broker holds (behind a join on the same connection): never answered.
    commitOffsets: () => {
      commits++;
      return new Promise<void>(() => {});
    },
  } as unknown as Consumer;
  return { consumer, emit: (event, payload) => emitter.emit(event, { payload }), answer: () => answer(), disconnects: () => disconnects, commits: () => commits };
}

const joined = { memberAssignment: { t: [0] } };

/** A committer on a stubbed consumer that joined its group (partition 0 of topic `t`). */
function joinedCommitter(): { s: ReturnType<typeof consumerStub>; committer: IntervalCommitter } {
  const s = consumerStub();
  const committer = new IntervalCommitter(s.consumer, { onError: () => {} });
  s.emit('group_join', joined);
  return { s, committer };
}

describe('IntervalCommitter.leave', () => {
  it('waits for the disconnect of a consumer holding its assignment', async () => {
    const { s, committer } = joinedCommitter();
    const leaving = committer.leave();
    s.answer();
    expect(await leaving).toBe('left');
  });

  it('does not wait while the consumer is joining: before its first join, after a rebalance, after a crash', async () => {
    for (const event of [undefined, 'rebalancing', 'crash']) {
      const s = consumerStub();
      const committer = new IntervalCommitter(s.consumer, { onError: () => {} });
      if (event) {
        s.emit('group_join', joined);
        s.emit(event);
      }
      expect(committer.joining).toBe(true);
      // The disconnect never answers here: leave must not wait for it, but must have started it.
      expect(await committer.leave()).toBe('joining');
      expect(s.disconnects()).toBe(1);
    }
  });

  it('stops waiting when the consumer starts joining while it leaves (kafkajs rejoins on a rebalance its last fetch saw)', async () => {
    const { s, committer } = joinedCommitter();
    // A deadline far beyond the test's own timeout: only the join can end the wait.
    committer.beginStop(0, 60_000);
    const leaving = committer.leave();
    s.emit('rebalancing');
    expect(await leaving).toBe('joining');
  });

  it('gives up on a disconnect the broker does not answer within the time given', async () => {
    const { committer } = joinedCommitter();
    expect(committer.joining).toBe(false);
    committer.beginStop(0, 20);
    expect(await committer.leave()).toBe('timed out');
  });
});

describe('IntervalCommitter.commitBeforeLeaving', () => {
  it('commits what finished, waiting for the answer at most the time given', async () => {
    const { s, committer } = joinedCommitter();
    committer.done('t', 0, '41');
    committer.beginStop(0, 20);
    await committer.commitBeforeLeaving();
    expect(s.commits()).toBe(1);
  });

  it('stops waiting for the commit when the consumer starts joining meanwhile', async () => {
    const { s, committer } = joinedCommitter();
    committer.done('t', 0, '41');
    committer.beginStop(0, 60_000);
    const committing = committer.commitBeforeLeaving();
    s.emit('crash');
    await committing;
    expect(s.commits()).toBe(1);
  });

  it('sends no commit while the consumer is joining', async () => {
    const { s, committer } = joinedCommitter();
    committer.done('t', 0, '41');
    s.emit('crash');
    await committer.commitBeforeLeaving();
    expect(s.commits()).toBe(0);
  });
});
