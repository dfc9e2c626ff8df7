// The editor's Endpoint URL card: where it delivers (an HTTP POST or a broker, destination-form.tsx),
// the URL with its status (and why it is paused or disabled), and for HTTP the verify token that
// makes a save check the URL with a hub.challenge handshake first.
import { useId } from 'react';
import { formatTime } from '../../format.ts';
import { EndpointBadge } from '../../status.tsx';
import { Field, type FieldErrors } from '../../ui.tsx';
import type { Endpoint } from './query.ts';
import { DestinationFields, type DestinationDraft } from '../../destination-form.tsx';

export function UrlSection(props: {
  endpoint: Endpoint;
  url: string;
  destination: DestinationDraft;
  verifyToken: string;
  errors: FieldErrors;
  onChange(change: { url?: string; destination?: DestinationDraft; verifyToken?: string }): void;
}) {
  const { endpoint, errors, onChange } = props;
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-url-h`}>
      <h2 id={`${id}-url-h`}>Endpoint URL</h2>
      <DestinationFields draft={props.destination} errors={errors.destination} onChange={(destination) => onChange({ destination })} />
      <Field
        label="URL"
        errors={errors.url}
        help={props.destination.kind === 'HTTP' ? undefined : 'The password shows as ****: to change the URL, type it whole, password included.'}
      >
        {(control) => (
          <div className="input-with-badge">
            <input {...control} type="url" value={props.url} onChange={(e) => onChange({ url: e.target.value })} />
            <EndpointBadge status={endpoint.status} />
          </div>
        )}
      </Field>
      {endpoint.status !== 'ACTIVE' && (
        <p className="warning" role="note">
          {endpoint.status === 'PAUSED' ? 'Paused' : 'Disabled'} since {formatTime(endpoint.pausedAt)}: {endpoint.pauseReason ?? 'no reason given'}. Deliveries are kept and
          sent, oldest first, when you resume.
        </p>
      )}
      {props.destination.kind === 'HTTP' && (
        <Field
          label="Verify token (optional)"
          errors={errors.verifyToken}
          help={
            <>
              With a token, saving first checks the URL with a <code>hub.challenge</code> handshake (GET with <code>hub.verify_token</code>).
            </>
          }
        >
          {(control) => <input {...control} value={props.verifyToken} autoComplete="off" onChange={(e) => onChange({ verifyToken: e.target.value })} />}
        </Field>
      )}
    </section>
  );
}
