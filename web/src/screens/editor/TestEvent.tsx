// Send Test Event: webhook.test, or the catalog example of any type, to this endpoint alone; the
// delivery it made links to the message history.
import { useId, useState } from 'react';
import { graphql } from '../../generated/index.ts';
import { Link } from '../../router.tsx';
import { useMutate } from '../../session.tsx';
import { Icon } from '../../icons.tsx';
import { useNotify } from '../../notices.tsx';
import { orThrow } from '../../ui.tsx';

const SendTestMutation = graphql(`
  mutation DashboardSendTestEvent($endpointId: ID!, $eventType: String) {
    sendTestEvent(endpointId: $endpointId, eventType: $eventType) {
      __typename
      ... on DeliverySuccess {
        delivery {
          id
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

export function TestEvent({ endpointId, catalog }: { endpointId: string; catalog: string[] }) {
  const mutate = useMutate();
  const notify = useNotify();
  const id = useId();
  const [type, setType] = useState('webhook.test');
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    setBusy(true);
    try {
      const result = orThrow((await mutate(SendTestMutation, { endpointId, eventType: type === 'webhook.test' ? null : type })).sendTestEvent, 'DeliverySuccess');
      setSent(result.delivery.id);
      notify(`Test event sent (${type})`);
    } catch (e) {
      notify((e as Error).message, 'bad');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="field inline-field">
        <label htmlFor={`${id}-type`}>Test event type</label>
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
          <option value="webhook.test">webhook.test</option>
          {catalog
            .filter((name) => name !== 'webhook.test')
            .map((name) => (
              <option key={name} value={name}>
                {name} (example)
              </option>
            ))}
        </select>
        <button type="button" className="button" onClick={send} disabled={busy}>
          <Icon name="send" size={16} /> {busy ? 'Sending…' : 'Send Test Event'}
        </button>
      </div>
      {sent && (
        <p className="help">
          Sent as delivery <span className="mono">{sent}</span>. <Link href={`/endpoints/${endpointId}/messages?delivery=${sent}`}>See it in the message history</Link>
        </p>
      )}
    </>
  );
}
