// Sources: where events come from besides publishing (Meta's WhatsApp Cloud API webhooks). The
// list with each ingest URL, a form to add a WhatsApp source (app secret and verify token, stored
// sealed, never shown again), and one source's page: the URL to give Meta and its recent requests.
import { useId, useState, type FormEvent } from 'react';
import { graphql } from '../generated/index.ts';
import { formatTime } from '../format.ts';
import { CopyButton } from '../icons.tsx';
import { Link, useTitle } from '../router.tsx';
import { useMutate, useQuery } from '../session.tsx';
import { Field, FormError, refusalOf, type FieldErrors } from '../ui.tsx';
import { useCanEdit } from '../portal.tsx';
import { PageMessage } from './page-messages.tsx';

const SourcesQuery = graphql(`
  query DashboardSources {
    sources(first: 100) {
      totalCount
      edges {
        node {
          id
          kind
          name
          status
          ingestUrl
          brokerUrl
          brokerState
          lag
          lastError
        }
      }
    }
  }
`);

const SourceQuery = graphql(`
  query DashboardSource($id: ID!) {
    source(id: $id) {
      id
      kind
      name
      status
      ingestUrl
      eventType
      createdAt
      recentRequests(first: 100) {
        receivedAt
        status
        error
        events
      }
    }
  }
`);

const CreateSourceMutation = graphql(`
  mutation DashboardCreateSource($input: CreateSourceInput!) {
    createSource(input: $input) {
      __typename
      ... on SourceSuccess {
        source {
          id
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

export function SourceList() {
  useTitle('Sources');
  const id = useId();
  const { data, error, refetch } = useQuery(SourcesQuery, {});
  const sources = data?.sources.edges.map((e) => e.node) ?? [];
  const canEdit = useCanEdit();
  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <div>
          <h1 id={`${id}-title`}>Sources</h1>
          <p className="lead">
            Meta POSTs your WhatsApp Business Account’s webhooks to a source’s ingest URL; each change becomes an event of the catalog, delivered to every
            endpoint subscribed to it.
          </p>
        </div>
      </div>
      <FormError message={error} />
      {!data && !error && <p className="muted">Loading…</p>}
      {data && sources.length === 0 && <p className="muted">No sources yet.</p>}
      {sources.length > 0 && (
        <table className="deliveries" aria-label="Sources">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Ingest URL or broker</th>
              <th scope="col">Connection</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id} data-source={s.id}>
                <td>
                  <Link href={`/sources/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                </td>
                <td>{s.kind}</td>
                <td>{s.status}</td>
                <td>
                  <code>{s.brokerUrl ?? s.ingestUrl}</code>
                </td>
                <td>
                  {s.brokerState ? (
                    <span title={s.lastError ?? undefined}>
                      {s.brokerState}
                      {s.lag !== null && s.lag !== undefined ? ` · lag ${s.lag}` : ''}
                      {s.lastError ? ` · ${s.lastError}` : ''}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && <CreateWhatsAppSource onCreated={() => void refetch()} />}
    </section>
  );
}

function CreateWhatsAppSource({ onCreated }: { onCreated(): void }) {
  const mutate = useMutate();
  const [name, setName] = useState('');
  const [appSecret, setAppSecret] = useState('');
  const [verifyToken, setVerifyToken] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFormError(null);
    try {
      // A blank box is a missing value, so the API says what the field is for.
      const input = { kind: 'WHATSAPP_CLOUD' as const, name: name.trim(), appSecret: appSecret || null, verifyToken: verifyToken || null };
      const { createSource: result } = await mutate(CreateSourceMutation, { input });
      if (result.__typename === 'SourceSuccess') {
        setName('');
        setAppSecret('');
        setVerifyToken('');
        setErrors({});
        onCreated();
      } else {
        const refused = refusalOf(result);
        setErrors(refused.errors);
        setFormError(refused.message);
      }
    } catch (error) {
      setFormError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="form card" aria-label="Add a WhatsApp source">
      <h2>Add a WhatsApp Cloud API source</h2>
      <Field label="Name" errors={errors.name}>
        {(control) => <input {...control} name="name" placeholder="Meta production" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="App secret" help="Your Meta app’s secret (App settings → Basic): it keys X-Hub-Signature-256. Stored sealed." errors={errors.appSecret}>
        {(control) => <input {...control} name="appSecret" type="password" autoComplete="off" value={appSecret} onChange={(e) => setAppSecret(e.target.value)} />}
      </Field>
      <Field label="Verify token" help="Any token; type the same one into Meta’s webhook settings." errors={errors.verifyToken}>
        {(control) => <input {...control} name="verifyToken" autoComplete="off" value={verifyToken} onChange={(e) => setVerifyToken(e.target.value)} />}
      </Field>
      <FormError message={formError} />
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add source'}
      </button>
    </form>
  );
}

export function SourceDetail({ sourceId }: { sourceId: string }) {
  const id = useId();
  const { data, error, loading, refetch } = useQuery(SourceQuery, { id: sourceId });
  const source = data?.source;
  useTitle(source ? `Source ${source.name}` : 'Source');
  if (error) return <PageMessage title="Source">{<FormError message={error} />}</PageMessage>;
  if (!data) return <p className="loading-page">Loading…</p>;
  if (!source) {
    return (
      <PageMessage title="Source not found">
        <p>
          It may have been deleted. <Link href="/sources">Back to the sources</Link>
        </p>
      </PageMessage>
    );
  }
  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <div>
          <h1 id={`${id}-title`}>{source.name}</h1>
          <p className="lead">
            {source.kind} · {source.status} · created {formatTime(source.createdAt)}
          </p>
        </div>
      </div>
      <h2>Ingest URL</h2>
      <p>Give Meta this callback URL (WhatsApp → Configuration → Webhook), with the verify token you chose.</p>
      <div className="code-wrap">
        <CopyButton text={source.ingestUrl ?? ''} label="Copy the ingest URL" />
        <pre className="code small" aria-label="Ingest URL">
          {source.ingestUrl}
        </pre>
      </div>
      <div className="page-head">
        <h2>Recent requests</h2>
        <button type="button" className="button small" onClick={() => void refetch()} disabled={loading}>
          Refresh
        </button>
      </div>
      {source.recentRequests.length === 0 ? (
        <p className="muted">No requests yet.</p>
      ) : (
        <table className="deliveries" aria-label="Recent requests">
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Answer</th>
              <th scope="col">Events</th>
              <th scope="col">Why refused</th>
            </tr>
          </thead>
          <tbody>
            {source.recentRequests.map((r, i) => (
              <tr key={i}>
                <td>{formatTime(r.receivedAt)}</td>
                <td>{r.status === 200 ? '200 accepted' : `${r.status} refused`}</td>
                <td>{r.events}</td>
                <td>{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
