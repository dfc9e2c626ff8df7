// Deleting an endpoint is permanent: the confirmation says what goes with it. Opened from the
// list's trash icon and from the editor's Danger Zone.
import { graphql } from '../generated/index.ts';
import { useMutate } from '../session.tsx';
import { ConfirmDialog } from '../dialog.tsx';

const DeleteEndpointMutation = graphql(`
  mutation DashboardDeleteEndpoint($id: ID!) {
    deleteEndpoint(id: $id) {
      __typename
      ... on DeleteEndpointSuccess {
        deletedId
      }
      ... on Error {
        message
      }
    }
  }
`);

export function DeleteEndpointDialog({ endpoint, onClose, onDeleted }: { endpoint: { id: string; description: string } | null; onClose(): void; onDeleted(): void }) {
  const mutate = useMutate();
  return (
    <ConfirmDialog
      open={endpoint !== null}
      title="Delete Endpoint"
      danger
      confirmLabel="Delete Endpoint"
      message={
        <>
          <p>
            Delete <strong>{endpoint?.description}</strong>? Deliveries to it stop and its message history is removed.
          </p>
          <p className="warning">This cannot be undone.</p>
        </>
      }
      onClose={onClose}
      onConfirm={async () => {
        const { deleteEndpoint: result } = await mutate(DeleteEndpointMutation, { id: endpoint!.id });
        if (result.__typename !== 'DeleteEndpointSuccess') throw new Error(result.message);
        onDeleted();
      }}
    />
  );
}
