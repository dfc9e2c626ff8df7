// Edit Endpoint: URL with status, signing secret (hidden, copy, regenerate with a grace period and
// both secrets while the old one signs), delivery health and Send Test Event, the 24-hour chart,
// event types, advanced settings, Save Changes, Pause / Resume and the Danger Zone. Live: the
// status, health line and chart follow the subscriptions.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { graphql } from '../generated/index.ts';
import type { DashboardEndpointQuery } from '../generated/graphql.ts';
import { changedInput, draftsOf, EventTypePicker, SETTINGS, SettingField, useCatalog, type Drafts } from '../endpoint-form.tsx';
import { Link, navigate, useTitle } from '../router.tsx';
import { useMutate, useQuery, useSubscription, useThrottled } from '../session.tsx';
import { TimelineChart } from '../chart.tsx';
import { CopyButton, Dialog, DialogActions, EndpointBadge, Field, fieldErrorsOf, FormError, formatAgo, formatRate, formatTime, Icon, orThrow, PageMessage, useNotify, type FieldErrors } from '../ui.tsx';
import { AttemptSubscription, DeleteEndpointDialog, EndpointStatusSubscription } from './EndpointList.tsx';

const EndpointQuery = graphql(`
  query DashboardEndpoint($id: ID!) {
    endpoint(id: $id) {
      id
      url
      status
      pauseReason
      pausedAt
      eventTypes
      signingSecret
      retiredSecrets {
        secret
        expiresAt
      }
      createdAt
      updatedAt
      ...EndpointSettings
      stats {
        ...StatsFields
      }
      timeline(hours: 24) {
        ...TimelineFields
      }
      recent: deliveries(first: 20) {
        edges {
          node {
            id
            attempts {
              id
              outcome
              responseStatus
              error
              startedAt
            }
          }
        }
      }
    }
  }
`);

const UpdateEndpointMutation = graphql(`
  mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
    updateEndpoint(id: $id, input: $input) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          id
          updatedAt
        }
      }
      ... on ValidationError {
        ...FieldErrorsFields
      }
      ... on Error {
        message
      }
    }
  }
`);

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

const PauseMutation = graphql(`
  mutation DashboardPauseEndpoint($id: ID!) {
    pauseEndpoint(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const ResumeMutation = graphql(`
  mutation DashboardResumeEndpoint($id: ID!) {
    resumeEndpoint(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

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

type Endpoint = NonNullable<DashboardEndpointQuery['endpoint']>;

interface Baseline {
  updatedAt: string;
  url: string;
  eventTypes: string[];
  drafts: Drafts;
}

const baselineOf = (endpoint: Endpoint): Baseline => ({
  updatedAt: endpoint.updatedAt,
  url: endpoint.url,
  eventTypes: [...endpoint.eventTypes],
  drafts: draftsOf(endpoint as unknown as Record<string, unknown>),
});

export function EndpointEditor({ endpointId }: { endpointId: string }) {
  const { data, error, refetch } = useQuery(EndpointQuery, { id: endpointId });
  const endpoint = data?.endpoint;
  useTitle(endpoint ? `Edit ${endpoint.description}` : 'Edit endpoint');

  const refresh = useThrottled(() => void refetch(), 500);
  useSubscription(EndpointStatusSubscription, { endpointId }, () => void refetch());
  useSubscription(AttemptSubscription, { endpointId }, refresh);

  if (error && !endpoint) return <LoadFailed error={error} />;
  if (!data) return <p className="page muted">Loading the endpoint…</p>;
  if (!endpoint) return <EndpointNotFound />;
  return <Editor endpoint={endpoint} refetch={refetch} />;
}

export function LoadFailed({ error }: { error: string }) {
  return (
    <PageMessage>
      <p className="form-error" role="alert">
        {error}
      </p>
    </PageMessage>
  );
}

export function EndpointNotFound() {
  return (
    <PageMessage title="Endpoint not found">
      <p>
        It may have been deleted. <Link href="/endpoints">Back to the endpoints</Link>
      </p>
    </PageMessage>
  );
}

function Editor({ endpoint, refetch }: { endpoint: Endpoint; refetch(): Promise<void> }) {
  const mutate = useMutate();
  const notify = useNotify();
  const catalog = useCatalog();
  const id = useId();

  const [baseline, setBaseline] = useState<Baseline>(() => baselineOf(endpoint));
  const [url, setUrl] = useState(baseline.url);
  const [verifyToken, setVerifyToken] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>(baseline.eventTypes);
  const [drafts, setDrafts] = useState<Drafts>(baseline.drafts);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const settingsChange = useMemo(() => changedInput(baseline.drafts, drafts), [baseline, drafts]);
  const eventTypesChanged = JSON.stringify(eventTypes) !== JSON.stringify(baseline.eventTypes);
  const dirty = url !== baseline.url || verifyToken !== '' || eventTypesChanged || Object.keys(settingsChange.input).length > 0 || Object.keys(settingsChange.errors).length > 0;

  // After a save, the saved endpoint (as the API normalised it) becomes the form's baseline; a change
  // made elsewhere (another tab, the API) shows too, unless this form has edits of its own.
  const [resyncAt, setResyncAt] = useState<string | null>(null);
  useEffect(() => {
    const saved = resyncAt !== null && endpoint.updatedAt === resyncAt;
    if (!saved && (endpoint.updatedAt === baseline.updatedAt || dirty)) return;
    const next = baselineOf(endpoint);
    setBaseline(next);
    setUrl(next.url);
    setEventTypes(next.eventTypes);
    setDrafts(next.drafts);
    setResyncAt(null);
  }, [endpoint, baseline.updatedAt, dirty, resyncAt]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const local: FieldErrors = { ...settingsChange.errors };
    if (eventTypes.length === 0) local.eventTypes = ['at least one event type must stay selected'];
    if (!url.trim()) local.url = ['is required'];
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) return setFormError('Some fields need attention.');
    const input: Record<string, unknown> = { ...settingsChange.input };
    if (url !== baseline.url) input.url = url.trim();
    if (verifyToken) input.verifyToken = verifyToken;
    if (eventTypesChanged) input.eventTypes = eventTypes;
    if (Object.keys(input).length === 0) return notify('Nothing to save');
    setSaving(true);
    try {
      const { updateEndpoint: result } = await mutate(UpdateEndpointMutation, { id: endpoint.id, input });
      if (result.__typename === 'EndpointSuccess') {
        setVerifyToken('');
        setResyncAt(result.endpoint.updatedAt);
        notify('Changes saved');
        await refetch();
      } else if (result.__typename === 'ValidationError') {
        setErrors(fieldErrorsOf(result.fieldErrors));
        setFormError(result.message);
      } else if (result.__typename === 'VerificationError') {
        setErrors({ url: [result.message] });
        setFormError(result.message);
      } else {
        setFormError(result.message);
      }
    } catch (e) {
      setFormError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const togglePause = async () => {
    const paused = endpoint.status !== 'ACTIVE';
    try {
      orThrow(paused ? (await mutate(ResumeMutation, { id: endpoint.id })).resumeEndpoint : (await mutate(PauseMutation, { id: endpoint.id })).pauseEndpoint, 'EndpointSuccess');
    } catch (e) {
      return notify((e as Error).message, 'bad');
    }
    notify(paused ? 'Endpoint resumed: held deliveries are on their way' : 'Endpoint paused: deliveries are held until you resume');
    await refetch();
  };

  return (
    <section className="page editor" aria-labelledby={`${id}-title`}>
      <form id={`${id}-form`} onSubmit={save} noValidate>
        <div className="page-head sticky">
          <div>
            <Link href="/endpoints" className="back">
              <Icon name="back" size={16} /> Endpoints
            </Link>
            <div className="endpoint-title">
              <h1 id={`${id}-title`}>Edit Endpoint</h1>
              <EndpointBadge status={endpoint.status} />
            </div>
            <p className="muted mono small">{endpoint.id}</p>
          </div>
          <div className="actions">
            <Link className="button" href={`/endpoints/${endpoint.id}/messages`}>
              View Messages
            </Link>
            <button type="button" className="button" onClick={togglePause}>
              {endpoint.status === 'ACTIVE' ? 'Pause' : 'Resume'}
            </button>
            <button type="submit" className="button primary" disabled={saving || !dirty}>
              {saving ? 'Saving…' : 'Save Changes'}
            </button>
          </div>
        </div>
        <FormError message={formError} />

        <div className="editor-grid">
          <section className="card" aria-labelledby={`${id}-url-h`}>
            <h2 id={`${id}-url-h`}>Endpoint URL</h2>
            <Field label="URL" errors={errors.url}>
              {(control) => (
                <div className="input-with-badge">
                  <input {...control} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
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
            <Field
              label="Verify token (optional)"
              errors={errors.verifyToken}
              help={
                <>
                  With a token, saving first checks the URL with a <code>hub.challenge</code> handshake (GET with <code>hub.verify_token</code>).
                </>
              }
            >
              {(control) => <input {...control} value={verifyToken} autoComplete="off" onChange={(e) => setVerifyToken(e.target.value)} />}
            </Field>
          </section>

          <SigningSecret endpoint={endpoint} onRotated={refetch} />

          <HealthSection endpoint={endpoint} catalog={catalog.map((t) => t.name)} />

          <section className="card span-2" aria-labelledby={`${id}-chart-h`}>
            <h2 id={`${id}-chart-h`}>Last 24 hours</h2>
            <dl className="mini-stats">
              <div>
                <dt>Deliveries</dt>
                <dd>{endpoint.stats.total}</dd>
              </div>
              <div>
                <dt>Pending</dt>
                <dd>{endpoint.stats.pending}</dd>
              </div>
              <div>
                <dt>Success rate (all time)</dt>
                <dd>{formatRate(endpoint.stats.successRate)}</dd>
              </div>
            </dl>
            <TimelineChart buckets={endpoint.timeline} />
          </section>

          <section className="card span-2" aria-labelledby={`${id}-types-h`}>
            <div className="section-head">
              <h2 id={`${id}-types-h`}>Event Types</h2>
              <div className="actions">
                <button type="button" className="button small" onClick={() => setEventTypes(catalog.map((t) => t.name))}>
                  Select All
                </button>
                <button type="button" className="button small" onClick={() => setEventTypes([])}>
                  Deselect All
                </button>
              </div>
            </div>
            <p className="help">Toggle which events trigger this webhook; at least one must stay selected.</p>
            <EventTypePicker catalog={catalog} selected={eventTypes} onChange={setEventTypes} errors={errors.eventTypes} legend="Subscribed event types" />
          </section>

          <section className="card span-2" aria-labelledby={`${id}-adv-h`}>
            <h2 id={`${id}-adv-h`}>Advanced Settings</h2>
            <div className="settings-grid">
              {SETTINGS.map((setting) => (
                <SettingField
                  key={setting.name}
                  setting={setting}
                  value={drafts[setting.name]!}
                  onChange={(value) => setDrafts((d) => ({ ...d, [setting.name]: value }))}
                  errors={errors[setting.name]}
                />
              ))}
            </div>
          </section>

          <section className="card span-2 danger-zone" aria-labelledby={`${id}-danger-h`}>
            <h2 id={`${id}-danger-h`}>Danger Zone</h2>
            <div className="danger-row">
              <p>Deleting an endpoint stops all deliveries to it and removes its message history. This cannot be undone.</p>
              <button type="button" className="button danger" onClick={() => setDeleting(true)}>
                Delete Endpoint
              </button>
            </div>
          </section>
        </div>
      </form>
      <DeleteEndpointDialog
        endpoint={deleting ? { id: endpoint.id, description: endpoint.description } : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          notify(`Endpoint “${endpoint.description}” deleted`);
          navigate('/endpoints');
        }}
        mutate={mutate}
      />
    </section>
  );
}

const GRACE_CHOICES = [
  { seconds: 0, label: 'No grace: the old secret stops at once' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours (default)' },
  { seconds: 7 * 86_400, label: '7 days' },
];

function maskSecret(secret: string): string {
  return `${secret.slice(0, 6)}${'•'.repeat(24)}`;
}

function SigningSecret({ endpoint, onRotated }: { endpoint: Endpoint; onRotated(): Promise<void> }) {
  const mutate = useMutate();
  const notify = useNotify();
  const id = useId();
  const [revealed, setRevealed] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [grace, setGrace] = useState(86_400);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rotate = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      orThrow((await mutate(RotateSecretMutation, { id: endpoint.id, gracePeriodSeconds: grace })).rotateEndpointSecret, 'EndpointSuccess');
      setRotating(false);
      notify(grace > 0 ? 'New signing secret: the old one keeps signing during the grace period' : 'New signing secret: the old one no longer signs');
      await onRotated();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const show = (secret: string) => (revealed ? secret : maskSecret(secret));
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <div className="section-head">
        <h2 id={`${id}-h`}>Signing Secret</h2>
        <div className="actions">
          <button type="button" className="icon-button" aria-pressed={revealed} aria-label={revealed ? 'Hide signing secret' : 'Show signing secret'} title={revealed ? 'Hide' : 'Show'} onClick={() => setRevealed(!revealed)}>
            <Icon name={revealed ? 'eyeOff' : 'eye'} />
          </button>
          <CopyButton text={endpoint.signingSecret} label="Copy signing secret" />
          <button type="button" className="icon-button" aria-label="Regenerate signing secret" title="Regenerate" onClick={() => setRotating(true)}>
            <Icon name="refresh" />
          </button>
        </div>
      </div>
      <p className="secret mono" data-testid="signing-secret" aria-label={revealed ? 'Signing secret' : 'Signing secret, hidden'}>
        {show(endpoint.signingSecret)}
      </p>
      {endpoint.retiredSecrets.length > 0 && (
        <div className="retired">
          <h3>Previous secrets, still signing</h3>
          <ul>
            {endpoint.retiredSecrets.map((r) => (
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
      <Dialog open={rotating} title="Regenerate signing secret" onClose={() => setRotating(false)}>
        <form className="dialog-body form" onSubmit={rotate}>
          <p>A new secret signs every delivery from now on. Update your server before the old secret stops.</p>
          <div className="field">
            <label htmlFor={`${id}-grace`}>Keep the old secret signing for</label>
            <select id={`${id}-grace`} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE_CHOICES.map((c) => (
                <option key={c.seconds} value={c.seconds}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <FormError message={error} />
          <DialogActions onCancel={() => setRotating(false)} label="Regenerate secret" busyLabel="Regenerating…" busy={busy} />
        </form>
      </Dialog>
    </section>
  );
}

const RECENT_MS = 24 * 3600 * 1000;

/** The newest attempt that failed in the last 24 hours, among the latest deliveries. */
function lastError(endpoint: Endpoint) {
  const attempts = endpoint.recent.edges.flatMap((e) => e.node.attempts);
  const failed = attempts
    .filter((a) => a.outcome !== 'SUCCESS' && Date.now() - Date.parse(a.startedAt) < RECENT_MS)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  const latest = attempts.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
  return { failed, recovered: failed && latest && latest.outcome === 'SUCCESS' && latest.startedAt > failed.startedAt };
}

function HealthSection({ endpoint, catalog }: { endpoint: Endpoint; catalog: string[] }) {
  const mutate = useMutate();
  const notify = useNotify();
  const id = useId();
  const [type, setType] = useState('webhook.test');
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { failed, recovered } = lastError(endpoint);

  const send = async () => {
    setBusy(true);
    try {
      const result = orThrow((await mutate(SendTestMutation, { endpointId: endpoint.id, eventType: type === 'webhook.test' ? null : type })).sendTestEvent, 'DeliverySuccess');
      setSent(result.delivery.id);
      notify(`Test event sent (${type})`);
    } catch (e) {
      notify((e as Error).message, 'bad');
    } finally {
      setBusy(false);
    }
  };

  const describe = (a: NonNullable<typeof failed>) =>
    a.error ?? (a.responseStatus ? `HTTP ${a.responseStatus}` : a.outcome.replace('_', ' ').toLowerCase());
  return (
    <section className="card span-2" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Status</h2>
      <p className={`health ${failed && !recovered ? 'bad' : 'good'}`} data-testid="health" aria-live="polite">
        {!failed && 'No recent delivery errors'}
        {failed && !recovered && `Last error ${formatAgo(failed.startedAt)}: ${describe(failed)}`}
        {failed && recovered && `Recovered: the latest attempt succeeded (last error ${formatAgo(failed.startedAt)}: ${describe(failed)})`}
      </p>
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
          Sent as delivery <span className="mono">{sent}</span>. <Link href={`/endpoints/${endpoint.id}/messages?delivery=${sent}`}>See it in the message history</Link>
        </p>
      )}
    </section>
  );
}
