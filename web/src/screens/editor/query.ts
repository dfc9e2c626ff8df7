// What the editor loads of an endpoint: one query for every section, refetched when a live notice
// says the endpoint or its deliveries changed. A portal session's turned-off parts are not asked for.
import { graphql } from '../../generated/index.ts';
import type { DashboardEndpointQuery } from '../../generated/graphql.ts';

export const EndpointQuery = graphql(`
  query DashboardEndpoint(
    $id: ID!
    $secrets: Boolean! = true
    $customHeaders: Boolean! = true
    $filters: Boolean! = true
    $transformations: Boolean! = true
  ) {
    endpoint(id: $id) {
      id
      url
      destination {
        kind
        exchange
        routingKey
        subject
        stream
      }
      status
      pauseReason
      pausedAt
      failing
      consecutiveFailures
      failingSince
      eventTypes
      signingSecret @include(if: $secrets)
      retiredSecrets @include(if: $secrets) {
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

export type Endpoint = NonNullable<DashboardEndpointQuery['endpoint']>;
