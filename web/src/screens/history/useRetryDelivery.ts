// Retry a delivery now, from the history's table or the payload panel, saying how it went.
import { graphql } from '../../generated/index.ts';
import { useMutate } from '../../session.tsx';
import { useNotify } from '../../notices.tsx';
import { orThrow } from '../../ui.tsx';

const RetryDeliveryMutation = graphql(`
  mutation DashboardRetryDelivery($id: ID!) {
    retryDelivery(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export function useRetryDelivery(onDone: () => void) {
  const mutate = useMutate();
  const notify = useNotify();
  return async (id: string) => {
    try {
      orThrow((await mutate(RetryDeliveryMutation, { id })).retryDelivery, 'DeliverySuccess');
      notify('Retry scheduled');
      onDone();
    } catch (e) {
      notify((e as Error).message, 'bad');
    }
  };
}
