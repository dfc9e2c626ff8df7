// The editor's Signing Secret card: hidden until shown, copy, and Regenerate with a grace period
// during which the previous secrets keep signing beside the new one (all of them listed).
import { useId, useState, type FormEvent } from 'react';
import { graphql } from '../../generated/index.ts';
import { useMutate } from '../../session.tsx';
import { useCanEdit } from '../../portal.tsx';
import { Dialog, DialogActions } from '../../dialog.tsx';
import { formatTime } from '../../format.ts';
import { CopyButton, Icon } from '../../icons.tsx';
import { useNotify } from '../../notices.tsx';
import { FormError, orThrow, SelectField } from '../../ui.tsx';
import type { Endpoint } from './query.ts';

const RotateSecretMutation = graphql(`
  mutation DashboardRotateSecret($id: ID!, $gracePeriodSeconds: Int) {
    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          id
          signingSecret
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

const GRACE_CHOICES = [
  { value: 0, label: 'No grace: the old secret stops at once' },
  { value: 3600, label: '1 hour' },
  { value: 86_400, label: '24 hours (default)' },
  { value: 7 * 86_400, label: '7 days' },
];

function maskSecret(secret: string): string {
  return `${secret.slice(0, 6)}${'•'.repeat(24)}`;
}

export function SigningSecret({ endpoint, onRotated }: { endpoint: Endpoint; onRotated(): Promise<void> }) {
  const id = useId();
  const canEdit = useCanEdit();
  // Not asked for in a portal session with secrets off (the editor shows no card then).
  const signingSecret = endpoint.signingSecret ?? '';
  const retiredSecrets = endpoint.retiredSecrets ?? [];
  const [revealed, setRevealed] = useState(false);
  const [rotating, setRotating] = useState(false);

  const show = (secret: string) => (revealed ? secret : maskSecret(secret));
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <div className="section-head">
        <h2 id={`${id}-h`}>Signing Secret</h2>
        <div className="actions">
          <button type="button" className="icon-button" aria-pressed={revealed} aria-label={revealed ? 'Hide signing secret' : 'Show signing secret'} title={revealed ? 'Hide' : 'Show'} onClick={() => setRevealed(!revealed)}>
            <Icon name={revealed ? 'eyeOff' : 'eye'} />
          </button>
          <CopyButton text={signingSecret} label="Copy signing secret" />
          {canEdit && (
            <button type="button" className="icon-button" aria-label="Regenerate signing secret" title="Regenerate" onClick={() => setRotating(true)}>
              <Icon name="refresh" />
            </button>
          )}
        </div>
      </div>
      <p className="secret mono" data-testid="signing-secret" aria-label={revealed ? 'Signing secret' : 'Signing secret, hidden'}>
        {show(signingSecret)}
      </p>
      {retiredSecrets.length > 0 && (
        <div className="retired">
          <h3>Previous secrets, still signing</h3>
          <ul>
            {retiredSecrets.map((r) => (
              <li key={r.secret}>
                <span className="secret mono" data-testid="retired-secret">
                  {show(r.secret)}
                </span>
                <span className="muted small">until {formatTime(r.expiresAt)}</span>
                <CopyButton text={r.secret} label="Copy previous secret" />
              </li>
            ))}
          </ul>
          <p className="help">Every delivery carries a webhook-signature for each live secret, so receivers can switch over before the old one ends.</p>
        </div>
      )}
      <p className="help">Store the signing secret server-side only and verify each request’s HMAC-SHA256 signature with it.</p>
      <RotateSecretDialog endpointId={endpoint.id} open={rotating} onClose={() => setRotating(false)} onRotated={onRotated} />
    </section>
  );
}

/** Regenerate: how long the old secret keeps signing, then the new one. */
function RotateSecretDialog(props: { endpointId: string; open: boolean; onClose(): void; onRotated(): Promise<void> }) {
  const mutate = useMutate();
  const notify = useNotify();
  const [grace, setGrace] = useState(86_400);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rotate = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      orThrow((await mutate(RotateSecretMutation, { id: props.endpointId, gracePeriodSeconds: grace })).rotateEndpointSecret, 'EndpointSuccess');
      props.onClose();
      notify(grace > 0 ? 'New signing secret: the old one keeps signing during the grace period' : 'New signing secret: the old one no longer signs');
      await props.onRotated();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={props.open} title="Regenerate signing secret" onClose={props.onClose}>
      <form className="dialog-body form" onSubmit={rotate}>
        <p>A new secret signs every delivery from now on. Update your server before the old secret stops.</p>
        <SelectField label="Keep the old secret signing for" value={grace} options={GRACE_CHOICES} onChange={(value) => setGrace(Number(value))} />
        <FormError message={error} />
        <DialogActions onCancel={props.onClose} label="Regenerate secret" busyLabel="Regenerating…" busy={busy} />
      </form>
    </Dialog>
  );
}
