// The live notices screens follow over graphql-ws: an endpoint's status changed, an attempt was
// made. Each screen refetches what it shows when one arrives.
import { graphql } from './generated/index.ts';

export const EndpointStatusSubscription = graphql(`
  subscription DashboardEndpointStatus($endpointId: ID) {
    endpointStatusChanged(endpointId: $endpointId) {
      id
      status
      pauseReason
    }
  }
`);

export const AttemptSubscription = graphql(`
  subscription DashboardAttempts($endpointId: ID) {
    deliveryAttempted(endpointId: $endpointId) {
      id
      outcome
      delivery {
        id
        status
      }
    }
  }
`);
