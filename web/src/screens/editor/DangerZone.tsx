// The editor's Danger Zone: Delete Endpoint, confirmed, then back to the list.
import { useId, useState } from 'react';
import { navigate } from '../../router.tsx';
import { useNotify } from '../../notices.tsx';
import { DeleteEndpointDialog } from '../DeleteEndpointDialog.tsx';
import type { Endpoint } from './query.ts';

export function DangerZone({ endpoint }: { endpoint: Endpoint }) {
  const notify = useNotify();
  const id = useId();
  const [deleting, setDeleting] = useState(false);
  return (
    <section className="card span-2 danger-zone" aria-labelledby={`${id}-danger-h`}>
      <h2 id={`${id}-danger-h`}>Danger Zone</h2>
      <div className="danger-row">
        <p>Deleting an endpoint stops all deliveries to it and removes its message history. This cannot be undone.</p>
        <button type="button" className="button danger" onClick={() => setDeleting(true)}>
          Delete Endpoint
        </button>
      </div>
      <DeleteEndpointDialog
        endpoint={deleting ? { id: endpoint.id, description: endpoint.description } : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => {
          notify(`Endpoint “${endpoint.description}” deleted`);
          navigate('/endpoints');
        }}
      />
    </section>
  );
}
