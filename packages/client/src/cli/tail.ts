// `hookwire tail`: prints every delivery attempt of the account as it finishes, live.
import { Command } from 'commander';
import { run } from './context.ts';
import { connectionNotes, consume } from './live.ts';
import { time, type Io } from './output.ts';

export function tailCommand(io: Io): Command {
  return new Command('tail')
    .description('print every delivery attempt of the account as it finishes (Ctrl-C to stop)')
    .option('--endpoint <id>', 'only attempts to this endpoint')
    .option('--events <types>', 'only these event types, comma-separated (wildcards such as message.* match)', (v) => v.split(',').map((s) => s.trim()))
    .action(
      run(io, async (ctx, flags: { endpoint?: string; events?: string[] }) => {
        const client = ctx.client(connectionNotes(ctx, 'Tailing delivery attempts (Ctrl-C to stop).'));
        const stream = client.live.deliveryAttempted({ endpointId: flags.endpoint, eventTypes: flags.events });
        await consume(ctx, stream, (a) => {
          const status = a.responseStatus === null ? '-' : String(a.responseStatus);
          const extra = [a.willRetry && a.delivery.nextAttemptAt ? `retry at ${time(a.delivery.nextAttemptAt)}` : '', a.error ?? ''].filter(Boolean).join('  ');
          ctx.out.streamItem(
            a,
            [
              time(a.startedAt),
              a.outcome.padEnd(13),
              status.padStart(3),
              `${a.durationMs} ms`.padStart(8),
              a.delivery.event.type,
              `${a.delivery.id}#${a.attemptNumber}`,
              a.delivery.endpoint.id,
              extra,
            ]
              .filter(Boolean)
              .join('  '),
          );
        });
      }),
    );
}
