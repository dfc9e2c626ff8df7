// What the long-running commands (tail, listen) share over graphql-ws: consuming a live stream
// until it ends or the user stops, and telling the user when the socket is lost and back.
import type { Context } from './context.ts';

const STOP = Symbol('stop');

/**
 * Consumes a live stream until it ends or the user stops the command. A generator cannot be
 * returned while its next() is pending, so stopping closes the client's socket instead.
 */
export async function consume<T>(ctx: Context, stream: AsyncGenerator<T, void, undefined>, each: (item: T) => Promise<void> | void): Promise<void> {
  const stopped = ctx.io.stopSignal.then((): typeof STOP => STOP);
  try {
    for (;;) {
      const next = await Promise.race([stream.next(), stopped]);
      if (next === STOP || next.done) return;
      await each(next.value);
    }
  } finally {
    await ctx.client().close();
  }
}

/** Tells the user when the socket is (again) subscribed, and once when it was lost. */
export function connectionNotes(ctx: Context, ready: string) {
  let state: 'connecting' | 'connected' | 'lost' = 'connecting';
  return {
    retryAttempts: 10,
    on: {
      connected: () => {
        ctx.out.note(state === 'lost' ? `Reconnected. ${ready}` : ready);
        state = 'connected';
      },
      closed: (event: unknown) => {
        const code = (event as { code?: number })?.code;
        if (state === 'connected' && code !== 1000 && code !== 4403) {
          state = 'lost';
          ctx.out.note(`Connection lost (${code ?? 'no code'}); reconnecting. Attempts made meanwhile are not shown here: see hookwire deliveries list.`);
        }
      },
    },
  };
}
