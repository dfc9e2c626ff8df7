// Cross-process notifications as the domain sends them: an endpoint's status change, heard by the
// API's subscriptions and by the workers (which stop or resume its lane at once). The channels and
// payloads are declared with the statements (src/db/sql/notify.ts); attempts are announced by
// their recording statement (src/db/sql/record-attempts.ts), built there in SQL.
import { prismaSql, type PrismaRunner } from '../db/sql.ts';
import { CHANNELS, notify, type EndpointStatusNotice } from '../db/sql/notify.ts';

export { CHANNELS, type AttemptNotice, type EndpointStatusNotice } from '../db/sql/notify.ts';

export async function notifyEndpointStatus(tx: PrismaRunner, notice: EndpointStatusNotice): Promise<void> {
  await notify(prismaSql(tx), { channel: CHANNELS.endpointStatus, payload: JSON.stringify(notice) });
}
