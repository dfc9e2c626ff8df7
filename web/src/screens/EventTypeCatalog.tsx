// The event-type catalog: every type an endpoint can subscribe to, with its JSON Schema and a valid
// example (what Send Test Event delivers for it).
import { useId, useState } from 'react';
import { graphql } from '../generated/index.ts';
import { useTitle } from '../router.tsx';
import { useQuery } from '../session.tsx';
import { prettyJson } from '../format.ts';
import { CopyButton } from '../icons.tsx';
import { FormError } from '../ui.tsx';

const CatalogQuery = graphql(`
  query DashboardCatalog {
    eventTypes {
      name
      description
      schema
      example
    }
  }
`);

export function EventTypeCatalog() {
  useTitle('Event types');
  const id = useId();
  const { data, error } = useQuery(CatalogQuery, {});
  const [filter, setFilter] = useState('');
  const types = (data?.eventTypes ?? []).filter((t) => `${t.name} ${t.description}`.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <section className="page" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <div>
          <h1 id={`${id}-title`}>Event Types</h1>
          <p className="lead">
            Subscribe an endpoint to exact names, to a prefix such as <code>message.*</code>, or to <code>*</code>. Each delivery POSTs{' '}
            <code>{'{"id","type","timestamp","sessionId","data"}'}</code>, where <code>data</code> follows the type’s schema.
          </p>
        </div>
      </div>
      <div className="field inline-field">
        <label htmlFor={`${id}-filter`}>Filter event types</label>
        <input id={`${id}-filter`} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="message, session…" />
      </div>
      <FormError message={error} />
      {!data && !error && <p className="muted">Loading…</p>}
      <ul className="catalog">
        {types.map((t) => (
          <li key={t.name} className="card" data-event-type={t.name}>
            <h2>
              <code>{t.name}</code>
            </h2>
            <p>{t.description}</p>
            <div className="catalog-grid">
              <JsonDetails summary="Example data" value={t.example} label={`Example of ${t.name}`} />
              <JsonDetails summary="JSON Schema" value={t.schema} label={`Schema of ${t.name}`} />
            </div>
          </li>
        ))}
      </ul>
      {data && types.length === 0 && <p className="muted">No event type matches “{filter}”.</p>}
    </section>
  );
}

function JsonDetails({ summary, value, label }: { summary: string; value: unknown; label: string }) {
  const text = prettyJson(value);
  return (
    <details>
      <summary>{summary}</summary>
      <div className="code-wrap">
        <CopyButton text={text} label={`Copy: ${label}`} />
        <pre className="code small" tabIndex={0} aria-label={label}>
          {text}
        </pre>
      </div>
    </details>
  );
}
