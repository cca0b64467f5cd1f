/** The child side of the harness's IPC channel: `{ cmd, id, ... }` in, `{ replyTo: id, ... }` (or `error`) out. */
export type Handlers = Record<string, (msg: any) => unknown>;

/** Answers the harness's requests with `handlers[msg.cmd]`; exits when the harness goes away. */
export function serveIpc(name: string, handlers: Handlers): void {
  if (!process.send) throw new Error(`${name} must be started by the bench harness (it needs an IPC channel)`);
  process.on('message', async (msg: { cmd: string; id: number }) => {
    try {
      const handler = handlers[msg.cmd];
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      const result = (await handler(msg)) ?? {};
      process.send!({ ...(result as object), replyTo: msg.id });
    } catch (err) {
      process.send!({ replyTo: msg.id, error: (err as Error).stack ?? String(err) });
    }
  });
  // Never outlive the harness: a lost channel means it is gone.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}
