// `hookwire deliveries …`: list with counts over all that match, show one with every attempt, retry one,
// recover an endpoint's failed ones; and the deliveries table that `events show` prints too.
import { Command } from 'commander';
import { unwrap, type Delivery } from '../client.ts';
import type { DeliveryStatus } from '../generated/graphql.ts';
import { run } from './context.ts';
import { notFound } from './exit.ts';
import { instant, integer, oneOf } from './flags.ts';
import { time, type Io, type Output } from './output.ts';

const DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const satisfies readonly DeliveryStatus[];

/** The deliveries table of `deliveries list` and `events show`. */
export function printDeliveries(out: Output, deliveries: Delivery[]): void {
  out.table(
    ['ID', 'STATUS', 'ATTEMPTS', 'EVENT', 'TYPE', 'ENDPOINT', 'CREATED'],
    deliveries.map((d) => [d.id, d.status, d.attemptCount, d.event.id, d.event.type, d.endpoint.id, time(d.createdAt)]),
  );
}

export function deliveriesCommand(io: Io): Command {
  const deliveries = new Command('deliveries').description('one per event and endpoint, with every attempt');
  for (const add of [listDeliveries, showDelivery, retryDelivery, recoverFailed]) add(deliveries, io);
  return deliveries;
}

function listDeliveries(deliveries: Command, io: Io): void {
  deliveries
    .command('list')
    .description('the latest deliveries, newest first, with counts over all that match')
    .option('--endpoint <id>', 'only to this endpoint')
    .option('--status <status>', 'PENDING, SUCCEEDED or FAILED', oneOf(DELIVERY_STATUSES))
    .option('--event-type <type>', 'only of this event type')
    .option('--since <time>', 'created since: ISO 8601, or a duration ago (30m, 2h, 7d)', instant)
    .option('--limit <n>', 'at most n deliveries (default 20)', integer, 20)
    .action(
      run(io, async ({ client, out }, flags: { endpoint?: string; status?: DeliveryStatus; eventType?: string; since?: string; limit: number }) => {
        const filter = { endpointId: flags.endpoint, status: flags.status, eventType: flags.eventType, since: flags.since };
        let page = await client().deliveries.page({ ...filter, first: Math.min(flags.limit, 100) });
        const { totalCount, stats } = page;
        const rows = [...page.nodes];
        while (page.hasNextPage && rows.length < flags.limit) {
          page = await client().deliveries.page({ ...filter, first: Math.min(flags.limit - rows.length, 100), after: page.endCursor });
          rows.push(...page.nodes);
        }
        out.result({ deliveries: rows, totalCount, stats }, () => {
          if (rows.length === 0) return out.line('No deliveries.');
          printDeliveries(out, rows);
          const s = stats;
          out.line(`${rows.length} of ${totalCount} shown; ${s.succeeded} succeeded, ${s.failed} failed, ${s.pending} pending`);
        });
      }),
    );
}

function showDelivery(deliveries: Command, io: Io): void {
  deliveries
    .command('show <id>')
    .description('one delivery with every attempt: request, response, timing')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const delivery = await client().deliveries.get(id);
        if (!delivery) notFound('delivery', id);
        out.result(delivery, () => {
          out.record([
            ['id', delivery.id],
            ['status', delivery.status],
            ['event', `${delivery.event.id} (${delivery.event.type})`],
            ['endpoint', `${delivery.endpoint.id} ${delivery.endpoint.url}`],
            ['created', time(delivery.createdAt)],
            ['next attempt', time(delivery.nextAttemptAt)],
            ['completed', time(delivery.completedAt)],
          ]);
          out.line();
          if (delivery.attempts.length === 0) return out.line('No attempts yet.');
          out.table(
            ['#', 'TRIGGER', 'OUTCOME', 'STATUS', 'DURATION', 'STARTED', 'ERROR'],
            delivery.attempts.map((a) => [a.attemptNumber, a.trigger, a.outcome, a.responseStatus, `${a.durationMs} ms`, time(a.startedAt), a.error]),
          );
        });
      }),
    );
}

function retryDelivery(deliveries: Command, io: Io): void {
  deliveries
    .command('retry <id>')
    .description('one more attempt now, whatever the delivery’s status')
    .action(
      run(io, async ({ client, out }, id: string) => {
        const { delivery } = unwrap(await client().deliveries.retry(id));
        out.result(delivery, () => out.line(`Scheduled a retry of ${delivery.id} (${delivery.event.type} to ${delivery.endpoint.id})`));
      }),
    );
}

function recoverFailed(deliveries: Command, io: Io): void {
  deliveries
    .command('recover')
    .description('schedule again every FAILED delivery of an endpoint since a time')
    .requiredOption('--endpoint <id>', 'the endpoint')
    .requiredOption('--since <time>', 'ISO 8601, or a duration ago (30m, 2h, 7d)', instant)
    .action(
      run(io, async ({ client, out }, flags: { endpoint: string; since: string }) => {
        const { count } = unwrap(await client().deliveries.recover(flags.endpoint, flags.since));
        out.result({ count }, () => out.line(`Scheduled ${count} failed ${count === 1 ? 'delivery' : 'deliveries'} again`));
      }),
    );
}
