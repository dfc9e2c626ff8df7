// Send Test Event: webhook.test, or the catalog example of any type, to this endpoint alone; the
// delivery it made links to the message history.
import { useState } from 'react';
import { graphql } from '../../generated/index.ts';
import { Link } from '../../router.tsx';
import { useMutate } from '../../session.tsx';
import { Icon } from '../../icons.tsx';
import { useNotify } from '../../notices.tsx';
import { orThrow, SelectField } from '../../ui.tsx';

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
  const [type, setType] = useState('webhook.test');
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const choices = [{ value: 'webhook.test', label: 'webhook.test' }, ...catalog.filter((name) => name !== 'webhook.test').map((name) => ({ value: name, label: `${name} (example)` }))];

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
      <SelectField className="field inline-field" label="Test event type" value={type} options={choices} onChange={setType}>
        <button type="button" className="button" onClick={send} disabled={busy}>
          <Icon name="send" size={16} /> {busy ? 'Sending…' : 'Send Test Event'}
        </button>
      </SelectField>
      {sent && (
        <p className="help">
          Sent as delivery <span className="mono">{sent}</span>. <Link href={`/endpoints/${endpointId}/messages?delivery=${sent}`}>See it in the message history</Link>
        </p>
      )}
    </>
  );
}
