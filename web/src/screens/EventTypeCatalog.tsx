// The event-type catalog: every type an endpoint can subscribe to, with its JSON Schema and a valid
// example (what Send Test Event delivers for it).
import { useId, useState } from 'react';
import { graphql } from '../generated/index.ts';
import { useTitle } from '../router.tsx';
import { useQuery } from '../session.tsx';
import { CopyButton, prettyJson } from '../ui.tsx';

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
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p className="muted">Loading…</p>}
      <ul className="catalog">
        {types.map((t) => (
          <li key={t.name} className="card" data-event-type={t.name}>
            <h2>
              <code>{t.name}</code>
            </h2>
            <p>{t.description}</p>
            <div className="catalog-grid">
              <details>
                <summary>Example data</summary>
                <div className="code-wrap">
                  <CopyButton text={prettyJson(t.example)} label={`Copy the example of ${t.name}`} />
                  <pre className="code small" tabIndex={0} aria-label={`Example of ${t.name}`}>
                    {prettyJson(t.example)}
                  </pre>
                </div>
              </details>
              <details>
                <summary>JSON Schema</summary>
                <div className="code-wrap">
                  <CopyButton text={prettyJson(t.schema)} label={`Copy the schema of ${t.name}`} />
                  <pre className="code small" tabIndex={0} aria-label={`Schema of ${t.name}`}>
                    {prettyJson(t.schema)}
                  </pre>
                </div>
              </details>
            </div>
          </li>
        ))}
      </ul>
      {data && types.length === 0 && <p className="muted">No event type matches “{filter}”.</p>}
    </section>
  );
}
