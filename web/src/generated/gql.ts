/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query DashboardCatalogNames {\n    eventTypes {\n      name\n      description\n    }\n  }\n": typeof types.DashboardCatalogNamesDocument,
    "\n  fragment EndpointSettings on Endpoint {\n    description\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers @include(if: $customHeaders)\n    sessionIds\n    concurrencyLimit\n    ordered\n    filter @include(if: $filters)\n    transformation @include(if: $transformations)\n  }\n": typeof types.EndpointSettingsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": typeof types.PageInfoFieldsFragmentDoc,
    "\n  fragment StatsFields on DeliveryStats {\n    total\n    succeeded\n    failed\n    pending\n    successRate\n  }\n": typeof types.StatsFieldsFragmentDoc,
    "\n  fragment TimelineFields on TimelineBucket {\n    hour\n    attempts\n    succeeded\n    failed\n    successRate\n  }\n": typeof types.TimelineFieldsFragmentDoc,
    "\n  fragment FieldErrorsFields on ValidationError {\n    message\n    fieldErrors {\n      path\n      message\n    }\n  }\n": typeof types.FieldErrorsFieldsFragmentDoc,
    "\n  subscription DashboardEndpointStatus($endpointId: ID) {\n    endpointStatusChanged(endpointId: $endpointId) {\n      id\n      status\n      pauseReason\n    }\n  }\n": typeof types.DashboardEndpointStatusDocument,
    "\n  subscription DashboardAttempts($endpointId: ID) {\n    deliveryAttempted(endpointId: $endpointId) {\n      id\n      outcome\n      delivery {\n        id\n        status\n      }\n    }\n  }\n": typeof types.DashboardAttemptsDocument,
    "\n  query DashboardAccounts($search: String, $status: AccountStatus, $after: String) {\n    accounts(first: 50, search: $search, status: $status, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          externalId\n          status\n          createdAt\n          endpointCount\n          failingEndpointCount\n        }\n      }\n    }\n  }\n": typeof types.DashboardAccountsDocument,
    "\n  mutation DashboardPortalLink($input: PortalSessionInput!) {\n    createPortalSession(input: $input) {\n      __typename\n      ... on PortalSessionSuccess {\n        portalSession {\n          url\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardPortalLinkDocument,
    "\n  mutation DashboardCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          description\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardCreateEndpointDocument,
    "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardDeleteEndpointDocument,
    "\n  query DashboardEndpoints($first: Int, $last: Int, $after: String, $before: String) {\n    endpoints(first: $first, last: $last, after: $after, before: $before) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        node {\n          id\n          description\n          url\n          destination {\n            kind\n          }\n          status\n          pauseReason\n          failing\n          consecutiveFailures\n          failingSince\n          eventTypes\n          timeline(hours: 24) {\n            ...TimelineFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardEndpointsDocument,
    "\n  query DashboardCatalog {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n": typeof types.DashboardCatalogDocument,
    "\n  query DashboardSources {\n    sources(first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          name\n          status\n          ingestUrl\n          brokerUrl\n          brokerState\n          lag\n          lastError\n        }\n      }\n    }\n  }\n": typeof types.DashboardSourcesDocument,
    "\n  query DashboardSource($id: ID!) {\n    source(id: $id) {\n      id\n      kind\n      name\n      status\n      ingestUrl\n      eventType\n      createdAt\n      recentRequests(first: 100) {\n        receivedAt\n        status\n        error\n        events\n      }\n    }\n  }\n": typeof types.DashboardSourceDocument,
    "\n  mutation DashboardCreateSource($input: CreateSourceInput!) {\n    createSource(input: $input) {\n      __typename\n      ... on SourceSuccess {\n        source {\n          id\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardCreateSourceDocument,
    "\n  mutation DashboardPauseEndpoint($id: ID!) {\n    pauseEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardPauseEndpointDocument,
    "\n  mutation DashboardResumeEndpoint($id: ID!) {\n    resumeEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardResumeEndpointDocument,
    "\n  mutation DashboardRotateSecret($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          signingSecret\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardRotateSecretDocument,
    "\n  mutation DashboardSendTestEvent($endpointId: ID!, $eventType: String) {\n    sendTestEvent(endpointId: $endpointId, eventType: $eventType) {\n      __typename\n      ... on DeliverySuccess {\n        delivery {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardSendTestEventDocument,
    "\n  query DashboardEndpoint(\n    $id: ID!\n    $secrets: Boolean! = true\n    $customHeaders: Boolean! = true\n    $filters: Boolean! = true\n    $transformations: Boolean! = true\n  ) {\n    endpoint(id: $id) {\n      id\n      url\n      destination {\n        kind\n        exchange\n        routingKey\n        subject\n        stream\n      }\n      status\n      pauseReason\n      pausedAt\n      failing\n      consecutiveFailures\n      failingSince\n      eventTypes\n      signingSecret @include(if: $secrets)\n      retiredSecrets @include(if: $secrets) {\n        secret\n        expiresAt\n      }\n      createdAt\n      updatedAt\n      ...EndpointSettings\n      stats {\n        ...StatsFields\n      }\n      timeline(hours: 24) {\n        ...TimelineFields\n      }\n      recent: deliveries(first: 20) {\n        edges {\n          node {\n            id\n            attempts {\n              id\n              outcome\n              responseStatus\n              error\n              startedAt\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardEndpointDocument,
    "\n  mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardUpdateEndpointDocument,
    "\n  query DashboardMessages($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $status: DeliveryStatus, $eventType: String) {\n    endpoint(id: $id) {\n      id\n      description\n      url\n      status\n      deliveries(first: $first, last: $last, after: $after, before: $before, status: $status, eventType: $eventType) {\n        totalCount\n        stats {\n          ...StatsFields\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          node {\n            id\n            status\n            attemptCount\n            nextAttemptAt\n            createdAt\n            event {\n              id\n              type\n            }\n            attempts {\n              id\n              outcome\n              responseStatus\n              startedAt\n              durationMs\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardMessagesDocument,
    "\n  query DashboardDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      createdAt\n      completedAt\n      nextAttemptAt\n      endpoint {\n        id\n        url\n      }\n      event {\n        id\n        type\n        sessionId\n        createdAt\n        payload\n      }\n      attempts {\n        id\n        attemptNumber\n        outcome\n        startedAt\n        durationMs\n        requestHeaders\n        requestBody\n        responseStatus\n        responseHeaders\n        responseBody\n        error\n        willRetry\n      }\n    }\n  }\n": typeof types.DashboardDeliveryDocument,
    "\n  mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {\n    recoverFailedDeliveries(endpointId: $endpointId, since: $since) {\n      __typename\n      ... on RecoverFailedDeliveriesSuccess {\n        count\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardRecoverFailedDocument,
    "\n  mutation DashboardRetryDelivery($id: ID!) {\n    retryDelivery(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": typeof types.DashboardRetryDeliveryDocument,
    "\n  query DashboardViewer {\n    viewer {\n      id\n      name\n    }\n  }\n": typeof types.DashboardViewerDocument,
};
const documents: Documents = {
    "\n  query DashboardCatalogNames {\n    eventTypes {\n      name\n      description\n    }\n  }\n": types.DashboardCatalogNamesDocument,
    "\n  fragment EndpointSettings on Endpoint {\n    description\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers @include(if: $customHeaders)\n    sessionIds\n    concurrencyLimit\n    ordered\n    filter @include(if: $filters)\n    transformation @include(if: $transformations)\n  }\n": types.EndpointSettingsFragmentDoc,
    "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n": types.PageInfoFieldsFragmentDoc,
    "\n  fragment StatsFields on DeliveryStats {\n    total\n    succeeded\n    failed\n    pending\n    successRate\n  }\n": types.StatsFieldsFragmentDoc,
    "\n  fragment TimelineFields on TimelineBucket {\n    hour\n    attempts\n    succeeded\n    failed\n    successRate\n  }\n": types.TimelineFieldsFragmentDoc,
    "\n  fragment FieldErrorsFields on ValidationError {\n    message\n    fieldErrors {\n      path\n      message\n    }\n  }\n": types.FieldErrorsFieldsFragmentDoc,
    "\n  subscription DashboardEndpointStatus($endpointId: ID) {\n    endpointStatusChanged(endpointId: $endpointId) {\n      id\n      status\n      pauseReason\n    }\n  }\n": types.DashboardEndpointStatusDocument,
    "\n  subscription DashboardAttempts($endpointId: ID) {\n    deliveryAttempted(endpointId: $endpointId) {\n      id\n      outcome\n      delivery {\n        id\n        status\n      }\n    }\n  }\n": types.DashboardAttemptsDocument,
    "\n  query DashboardAccounts($search: String, $status: AccountStatus, $after: String) {\n    accounts(first: 50, search: $search, status: $status, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          externalId\n          status\n          createdAt\n          endpointCount\n          failingEndpointCount\n        }\n      }\n    }\n  }\n": types.DashboardAccountsDocument,
    "\n  mutation DashboardPortalLink($input: PortalSessionInput!) {\n    createPortalSession(input: $input) {\n      __typename\n      ... on PortalSessionSuccess {\n        portalSession {\n          url\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardPortalLinkDocument,
    "\n  mutation DashboardCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          description\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardCreateEndpointDocument,
    "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardDeleteEndpointDocument,
    "\n  query DashboardEndpoints($first: Int, $last: Int, $after: String, $before: String) {\n    endpoints(first: $first, last: $last, after: $after, before: $before) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        node {\n          id\n          description\n          url\n          destination {\n            kind\n          }\n          status\n          pauseReason\n          failing\n          consecutiveFailures\n          failingSince\n          eventTypes\n          timeline(hours: 24) {\n            ...TimelineFields\n          }\n        }\n      }\n    }\n  }\n": types.DashboardEndpointsDocument,
    "\n  query DashboardCatalog {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n": types.DashboardCatalogDocument,
    "\n  query DashboardSources {\n    sources(first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          name\n          status\n          ingestUrl\n          brokerUrl\n          brokerState\n          lag\n          lastError\n        }\n      }\n    }\n  }\n": types.DashboardSourcesDocument,
    "\n  query DashboardSource($id: ID!) {\n    source(id: $id) {\n      id\n      kind\n      name\n      status\n      ingestUrl\n      eventType\n      createdAt\n      recentRequests(first: 100) {\n        receivedAt\n        status\n        error\n        events\n      }\n    }\n  }\n": types.DashboardSourceDocument,
    "\n  mutation DashboardCreateSource($input: CreateSourceInput!) {\n    createSource(input: $input) {\n      __typename\n      ... on SourceSuccess {\n        source {\n          id\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardCreateSourceDocument,
    "\n  mutation DashboardPauseEndpoint($id: ID!) {\n    pauseEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardPauseEndpointDocument,
    "\n  mutation DashboardResumeEndpoint($id: ID!) {\n    resumeEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardResumeEndpointDocument,
    "\n  mutation DashboardRotateSecret($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          signingSecret\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardRotateSecretDocument,
    "\n  mutation DashboardSendTestEvent($endpointId: ID!, $eventType: String) {\n    sendTestEvent(endpointId: $endpointId, eventType: $eventType) {\n      __typename\n      ... on DeliverySuccess {\n        delivery {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardSendTestEventDocument,
    "\n  query DashboardEndpoint(\n    $id: ID!\n    $secrets: Boolean! = true\n    $customHeaders: Boolean! = true\n    $filters: Boolean! = true\n    $transformations: Boolean! = true\n  ) {\n    endpoint(id: $id) {\n      id\n      url\n      destination {\n        kind\n        exchange\n        routingKey\n        subject\n        stream\n      }\n      status\n      pauseReason\n      pausedAt\n      failing\n      consecutiveFailures\n      failingSince\n      eventTypes\n      signingSecret @include(if: $secrets)\n      retiredSecrets @include(if: $secrets) {\n        secret\n        expiresAt\n      }\n      createdAt\n      updatedAt\n      ...EndpointSettings\n      stats {\n        ...StatsFields\n      }\n      timeline(hours: 24) {\n        ...TimelineFields\n      }\n      recent: deliveries(first: 20) {\n        edges {\n          node {\n            id\n            attempts {\n              id\n              outcome\n              responseStatus\n              error\n              startedAt\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DashboardEndpointDocument,
    "\n  mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardUpdateEndpointDocument,
    "\n  query DashboardMessages($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $status: DeliveryStatus, $eventType: String) {\n    endpoint(id: $id) {\n      id\n      description\n      url\n      status\n      deliveries(first: $first, last: $last, after: $after, before: $before, status: $status, eventType: $eventType) {\n        totalCount\n        stats {\n          ...StatsFields\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          node {\n            id\n            status\n            attemptCount\n            nextAttemptAt\n            createdAt\n            event {\n              id\n              type\n            }\n            attempts {\n              id\n              outcome\n              responseStatus\n              startedAt\n              durationMs\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DashboardMessagesDocument,
    "\n  query DashboardDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      createdAt\n      completedAt\n      nextAttemptAt\n      endpoint {\n        id\n        url\n      }\n      event {\n        id\n        type\n        sessionId\n        createdAt\n        payload\n      }\n      attempts {\n        id\n        attemptNumber\n        outcome\n        startedAt\n        durationMs\n        requestHeaders\n        requestBody\n        responseStatus\n        responseHeaders\n        responseBody\n        error\n        willRetry\n      }\n    }\n  }\n": types.DashboardDeliveryDocument,
    "\n  mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {\n    recoverFailedDeliveries(endpointId: $endpointId, since: $since) {\n      __typename\n      ... on RecoverFailedDeliveriesSuccess {\n        count\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardRecoverFailedDocument,
    "\n  mutation DashboardRetryDelivery($id: ID!) {\n    retryDelivery(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n": types.DashboardRetryDeliveryDocument,
    "\n  query DashboardViewer {\n    viewer {\n      id\n      name\n    }\n  }\n": types.DashboardViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardCatalogNames {\n    eventTypes {\n      name\n      description\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCatalogNamesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EndpointSettings on Endpoint {\n    description\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers @include(if: $customHeaders)\n    sessionIds\n    concurrencyLimit\n    ordered\n    filter @include(if: $filters)\n    transformation @include(if: $transformations)\n  }\n"): typeof import('./graphql.ts').EndpointSettingsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PageInfoFields on PageInfo {\n    hasNextPage\n    hasPreviousPage\n    startCursor\n    endCursor\n  }\n"): typeof import('./graphql.ts').PageInfoFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StatsFields on DeliveryStats {\n    total\n    succeeded\n    failed\n    pending\n    successRate\n  }\n"): typeof import('./graphql.ts').StatsFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TimelineFields on TimelineBucket {\n    hour\n    attempts\n    succeeded\n    failed\n    successRate\n  }\n"): typeof import('./graphql.ts').TimelineFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FieldErrorsFields on ValidationError {\n    message\n    fieldErrors {\n      path\n      message\n    }\n  }\n"): typeof import('./graphql.ts').FieldErrorsFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardEndpointStatus($endpointId: ID) {\n    endpointStatusChanged(endpointId: $endpointId) {\n      id\n      status\n      pauseReason\n    }\n  }\n"): typeof import('./graphql.ts').DashboardEndpointStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardAttempts($endpointId: ID) {\n    deliveryAttempted(endpointId: $endpointId) {\n      id\n      outcome\n      delivery {\n        id\n        status\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardAttemptsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardAccounts($search: String, $status: AccountStatus, $after: String) {\n    accounts(first: 50, search: $search, status: $status, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          id\n          name\n          externalId\n          status\n          createdAt\n          endpointCount\n          failingEndpointCount\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardAccountsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardPortalLink($input: PortalSessionInput!) {\n    createPortalSession(input: $input) {\n      __typename\n      ... on PortalSessionSuccess {\n        portalSession {\n          url\n          expiresAt\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardPortalLinkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          description\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardDeleteEndpoint($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardDeleteEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardEndpoints($first: Int, $last: Int, $after: String, $before: String) {\n    endpoints(first: $first, last: $last, after: $after, before: $before) {\n      totalCount\n      pageInfo {\n        ...PageInfoFields\n      }\n      edges {\n        node {\n          id\n          description\n          url\n          destination {\n            kind\n          }\n          status\n          pauseReason\n          failing\n          consecutiveFailures\n          failingSince\n          eventTypes\n          timeline(hours: 24) {\n            ...TimelineFields\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardEndpointsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardCatalog {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCatalogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSources {\n    sources(first: 100) {\n      totalCount\n      edges {\n        node {\n          id\n          kind\n          name\n          status\n          ingestUrl\n          brokerUrl\n          brokerState\n          lag\n          lastError\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardSourcesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSource($id: ID!) {\n    source(id: $id) {\n      id\n      kind\n      name\n      status\n      ingestUrl\n      eventType\n      createdAt\n      recentRequests(first: 100) {\n        receivedAt\n        status\n        error\n        events\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardSourceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardCreateSource($input: CreateSourceInput!) {\n    createSource(input: $input) {\n      __typename\n      ... on SourceSuccess {\n        source {\n          id\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardCreateSourceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardPauseEndpoint($id: ID!) {\n    pauseEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardPauseEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardResumeEndpoint($id: ID!) {\n    resumeEndpoint(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardResumeEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRotateSecret($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          signingSecret\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRotateSecretDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardSendTestEvent($endpointId: ID!, $eventType: String) {\n    sendTestEvent(endpointId: $endpointId, eventType: $eventType) {\n      __typename\n      ... on DeliverySuccess {\n        delivery {\n          id\n        }\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardSendTestEventDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardEndpoint(\n    $id: ID!\n    $secrets: Boolean! = true\n    $customHeaders: Boolean! = true\n    $filters: Boolean! = true\n    $transformations: Boolean! = true\n  ) {\n    endpoint(id: $id) {\n      id\n      url\n      destination {\n        kind\n        exchange\n        routingKey\n        subject\n        stream\n      }\n      status\n      pauseReason\n      pausedAt\n      failing\n      consecutiveFailures\n      failingSince\n      eventTypes\n      signingSecret @include(if: $secrets)\n      retiredSecrets @include(if: $secrets) {\n        secret\n        expiresAt\n      }\n      createdAt\n      updatedAt\n      ...EndpointSettings\n      stats {\n        ...StatsFields\n      }\n      timeline(hours: 24) {\n        ...TimelineFields\n      }\n      recent: deliveries(first: 20) {\n        edges {\n          node {\n            id\n            attempts {\n              id\n              outcome\n              responseStatus\n              error\n              startedAt\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      __typename\n      ... on EndpointSuccess {\n        endpoint {\n          id\n          updatedAt\n        }\n      }\n      ... on ValidationError {\n        ...FieldErrorsFields\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardUpdateEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardMessages($id: ID!, $first: Int, $last: Int, $after: String, $before: String, $status: DeliveryStatus, $eventType: String) {\n    endpoint(id: $id) {\n      id\n      description\n      url\n      status\n      deliveries(first: $first, last: $last, after: $after, before: $before, status: $status, eventType: $eventType) {\n        totalCount\n        stats {\n          ...StatsFields\n        }\n        pageInfo {\n          ...PageInfoFields\n        }\n        edges {\n          node {\n            id\n            status\n            attemptCount\n            nextAttemptAt\n            createdAt\n            event {\n              id\n              type\n            }\n            attempts {\n              id\n              outcome\n              responseStatus\n              startedAt\n              durationMs\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardMessagesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardDelivery($id: ID!) {\n    delivery(id: $id) {\n      id\n      status\n      attemptCount\n      createdAt\n      completedAt\n      nextAttemptAt\n      endpoint {\n        id\n        url\n      }\n      event {\n        id\n        type\n        sessionId\n        createdAt\n        payload\n      }\n      attempts {\n        id\n        attemptNumber\n        outcome\n        startedAt\n        durationMs\n        requestHeaders\n        requestBody\n        responseStatus\n        responseHeaders\n        responseBody\n        error\n        willRetry\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardDeliveryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRecoverFailed($endpointId: ID!, $since: DateTime!) {\n    recoverFailedDeliveries(endpointId: $endpointId, since: $since) {\n      __typename\n      ... on RecoverFailedDeliveriesSuccess {\n        count\n      }\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRecoverFailedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DashboardRetryDelivery($id: ID!) {\n    retryDelivery(id: $id) {\n      __typename\n      ... on Error {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql.ts').DashboardRetryDeliveryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardViewer {\n    viewer {\n      id\n      name\n    }\n  }\n"): typeof import('./graphql.ts').DashboardViewerDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
