// "Recover failed since": schedule again every FAILED delivery of the endpoint since a moment the
// user picks (a day ago by default).
import { useId, useState, type FormEvent } from 'react';
import { graphql } from '../../generated/index.ts';
import { useMutate } from '../../session.tsx';
import { useNotify } from '../../notices.tsx';
import { orThrow } from '../../ui.tsx';

const RecoverMutation = graphql(`
  mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {
    recoverFailedDeliveries(endpointId: $endpointId, since: $since) {
      __typename
      ... on RecoverFailedDeliveriesSuccess {
        count
      }
      ... on Error {
        message
      }
    }
  }
`);

/** datetime-local's value for a moment, in the browser's time zone. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function RecoverFailed({ endpointId, onRecovered }: { endpointId: string; onRecovered(): Promise<void> }) {
  const mutate = useMutate();
  const notify = useNotify();
  const id = useId();
  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 24 * 3600 * 1000)));

  const recover = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const result = orThrow((await mutate(RecoverMutation, { endpointId, since: new Date(since).toISOString() })).recoverFailedDeliveries, 'RecoverFailedDeliveriesSuccess');
      notify(result.count === 1 ? '1 failed delivery scheduled again' : `${result.count} failed deliveries scheduled again`);
      await onRecovered();
    } catch (e) {
      notify((e as Error).message, 'bad');
    }
  };

  return (
    <form className="field inline-field recover" onSubmit={recover}>
      <label htmlFor={`${id}-since`}>Recover failed since</label>
      <input id={`${id}-since`} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
      <button type="submit" className="button small">
        Recover
      </button>
    </form>
  );
}
