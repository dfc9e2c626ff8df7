// GraphQL fragments several screens select the same way.
import { graphql } from './generated/index.ts';

graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`);

graphql(`
  fragment StatsFields on DeliveryStats {
    total
    succeeded
    failed
    pending
    successRate
  }
`);

graphql(`
  fragment TimelineFields on TimelineBucket {
    hour
    attempts
    succeeded
    failed
    successRate
  }
`);

graphql(`
  fragment FieldErrorsFields on ValidationError {
    message
    fieldErrors {
      path
      message
    }
  }
`);
