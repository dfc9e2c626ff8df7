// The history's filters, kept in the URL (?status=…&eventType=…) so a filtered view can be shared;
// changing one goes back to the first page.
import { useId } from 'react';
import type { DeliveryStatus } from '../../generated/graphql.ts';
import { useCatalog } from '../../endpoint-form.tsx';
import { setQuery } from '../../router.tsx';

const STATUSES: Array<{ value: DeliveryStatus | ''; label: string }> = [
  { value: '', label: 'All statuses' },
  { value: 'SUCCEEDED', label: 'Success' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'PENDING', label: 'Pending' },
];

export function Filters({ status, eventType }: { status: DeliveryStatus | null; eventType: string | null }) {
  const id = useId();
  const catalog = useCatalog();
  return (
    <>
      <div className="field inline-field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status ?? ''} onChange={(e) => setQuery({ status: e.target.value, after: null, before: null })}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field inline-field">
        <label htmlFor={`${id}-type`}>Event type</label>
        <select id={`${id}-type`} value={eventType ?? ''} onChange={(e) => setQuery({ eventType: e.target.value, after: null, before: null })}>
          <option value="">All event types</option>
          {catalog.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
