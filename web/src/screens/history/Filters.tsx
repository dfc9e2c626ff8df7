// The history's filters, kept in the URL (?status=…&eventType=…) so a filtered view can be shared;
// changing one goes back to the first page.
import type { DeliveryStatus } from '../../generated/graphql.ts';
import { useCatalog } from '../../endpoint-form.tsx';
import { setQuery } from '../../router.tsx';
import { SelectField } from '../../ui.tsx';

const STATUSES: Array<{ value: DeliveryStatus | ''; label: string }> = [
  { value: '', label: 'All statuses' },
  { value: 'SUCCEEDED', label: 'Success' },
  { value: 'FAILED', label: 'Failed' },
  { value: 'PENDING', label: 'Pending' },
];

export function Filters({ status, eventType }: { status: DeliveryStatus | null; eventType: string | null }) {
  const catalog = useCatalog();
  const types = [{ value: '', label: 'All event types' }, ...catalog.map((t) => ({ value: t.name, label: t.name }))];
  return (
    <>
      <SelectField className="field inline-field" label="Status" value={status ?? ''} options={STATUSES} onChange={(value) => setQuery({ status: value, after: null, before: null })} />
      <SelectField className="field inline-field" label="Event type" value={eventType ?? ''} options={types} onChange={(value) => setQuery({ eventType: value, after: null, before: null })} />
    </>
  );
}
