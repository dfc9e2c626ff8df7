/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "\n  fragment EpTestEndpoint on Endpoint {\n    id\n    url\n    description\n    eventTypes\n    sessionIds\n    status\n    signingSecret\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers\n    createdAt\n    updatedAt\n    pausedAt\n    pauseReason\n  }\n": typeof types.EpTestEndpointFragmentDoc,
    "\n  fragment EpTestResult on EndpointResult {\n    __typename\n    ... on EndpointSuccess {\n      endpoint {\n        ...EpTestEndpoint\n      }\n    }\n    ... on ValidationError {\n      message\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on VerificationError {\n      message\n    }\n  }\n": typeof types.EpTestResultFragmentDoc,
    "\n  mutation EpTestCreate($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      ...EpTestResult\n    }\n  }\n": typeof types.EpTestCreateDocument,
    "\n  mutation EpTestUpdate($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      ...EpTestResult\n    }\n  }\n": typeof types.EpTestUpdateDocument,
    "\n  mutation EpTestRotate($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      ...EpTestResult\n    }\n  }\n": typeof types.EpTestRotateDocument,
    "\n  mutation EpTestPause($id: ID!) {\n    pauseEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n": typeof types.EpTestPauseDocument,
    "\n  mutation EpTestResume($id: ID!) {\n    resumeEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n": typeof types.EpTestResumeDocument,
    "\n  mutation EpTestDelete($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n": typeof types.EpTestDeleteDocument,
    "\n  query EpTestGet($id: ID!) {\n    endpoint(id: $id) {\n      ...EpTestEndpoint\n    }\n  }\n": typeof types.EpTestGetDocument,
    "\n  query EpTestNode($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Endpoint {\n        url\n        description\n        signingSecret\n      }\n    }\n  }\n": typeof types.EpTestNodeDocument,
    "\n  query EpTestList($first: Int, $after: String, $status: EndpointStatus) {\n    endpoints(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.EpTestListDocument,
    "\n  query EpTestEventTypes {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n": typeof types.EpTestEventTypesDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": typeof types.NodeByIdDocument,
    "\n  mutation ResilienceCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess { endpoint { id } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n": typeof types.ResilienceCreateEndpointDocument,
    "\n  mutation ResiliencePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id } }\n      ... on ValidationError { message }\n    }\n  }\n": typeof types.ResiliencePublishDocument,
};
const documents: Documents = {
    "\n  fragment EpTestEndpoint on Endpoint {\n    id\n    url\n    description\n    eventTypes\n    sessionIds\n    status\n    signingSecret\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers\n    createdAt\n    updatedAt\n    pausedAt\n    pauseReason\n  }\n": types.EpTestEndpointFragmentDoc,
    "\n  fragment EpTestResult on EndpointResult {\n    __typename\n    ... on EndpointSuccess {\n      endpoint {\n        ...EpTestEndpoint\n      }\n    }\n    ... on ValidationError {\n      message\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on VerificationError {\n      message\n    }\n  }\n": types.EpTestResultFragmentDoc,
    "\n  mutation EpTestCreate($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      ...EpTestResult\n    }\n  }\n": types.EpTestCreateDocument,
    "\n  mutation EpTestUpdate($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      ...EpTestResult\n    }\n  }\n": types.EpTestUpdateDocument,
    "\n  mutation EpTestRotate($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      ...EpTestResult\n    }\n  }\n": types.EpTestRotateDocument,
    "\n  mutation EpTestPause($id: ID!) {\n    pauseEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n": types.EpTestPauseDocument,
    "\n  mutation EpTestResume($id: ID!) {\n    resumeEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n": types.EpTestResumeDocument,
    "\n  mutation EpTestDelete($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n": types.EpTestDeleteDocument,
    "\n  query EpTestGet($id: ID!) {\n    endpoint(id: $id) {\n      ...EpTestEndpoint\n    }\n  }\n": types.EpTestGetDocument,
    "\n  query EpTestNode($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Endpoint {\n        url\n        description\n        signingSecret\n      }\n    }\n  }\n": types.EpTestNodeDocument,
    "\n  query EpTestList($first: Int, $after: String, $status: EndpointStatus) {\n    endpoints(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n": types.EpTestListDocument,
    "\n  query EpTestEventTypes {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n": types.EpTestEventTypesDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": types.NodeByIdDocument,
    "\n  mutation ResilienceCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess { endpoint { id } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n": types.ResilienceCreateEndpointDocument,
    "\n  mutation ResiliencePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id } }\n      ... on ValidationError { message }\n    }\n  }\n": types.ResiliencePublishDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EpTestEndpoint on Endpoint {\n    id\n    url\n    description\n    eventTypes\n    sessionIds\n    status\n    signingSecret\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers\n    createdAt\n    updatedAt\n    pausedAt\n    pauseReason\n  }\n"): (typeof documents)["\n  fragment EpTestEndpoint on Endpoint {\n    id\n    url\n    description\n    eventTypes\n    sessionIds\n    status\n    signingSecret\n    rateLimitPerSecond\n    timeoutMs\n    retrySchedule\n    headers\n    createdAt\n    updatedAt\n    pausedAt\n    pauseReason\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EpTestResult on EndpointResult {\n    __typename\n    ... on EndpointSuccess {\n      endpoint {\n        ...EpTestEndpoint\n      }\n    }\n    ... on ValidationError {\n      message\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on VerificationError {\n      message\n    }\n  }\n"): (typeof documents)["\n  fragment EpTestResult on EndpointResult {\n    __typename\n    ... on EndpointSuccess {\n      endpoint {\n        ...EpTestEndpoint\n      }\n    }\n    ... on ValidationError {\n      message\n      fieldErrors {\n        path\n        message\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on VerificationError {\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestCreate($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      ...EpTestResult\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestCreate($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      ...EpTestResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestUpdate($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      ...EpTestResult\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestUpdate($id: ID!, $input: UpdateEndpointInput!) {\n    updateEndpoint(id: $id, input: $input) {\n      ...EpTestResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestRotate($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      ...EpTestResult\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestRotate($id: ID!, $gracePeriodSeconds: Int) {\n    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {\n      ...EpTestResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestPause($id: ID!) {\n    pauseEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestPause($id: ID!) {\n    pauseEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestResume($id: ID!) {\n    resumeEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestResume($id: ID!) {\n    resumeEndpoint(id: $id) {\n      ...EpTestResult\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EpTestDelete($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation EpTestDelete($id: ID!) {\n    deleteEndpoint(id: $id) {\n      __typename\n      ... on DeleteEndpointSuccess {\n        deletedId\n      }\n      ... on NotFoundError {\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EpTestGet($id: ID!) {\n    endpoint(id: $id) {\n      ...EpTestEndpoint\n    }\n  }\n"): (typeof documents)["\n  query EpTestGet($id: ID!) {\n    endpoint(id: $id) {\n      ...EpTestEndpoint\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EpTestNode($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Endpoint {\n        url\n        description\n        signingSecret\n      }\n    }\n  }\n"): (typeof documents)["\n  query EpTestNode($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Endpoint {\n        url\n        description\n        signingSecret\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EpTestList($first: Int, $after: String, $status: EndpointStatus) {\n    endpoints(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EpTestList($first: Int, $after: String, $status: EndpointStatus) {\n    endpoints(first: $first, after: $after, status: $status) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          status\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EpTestEventTypes {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n"): (typeof documents)["\n  query EpTestEventTypes {\n    eventTypes {\n      name\n      description\n      schema\n      example\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n"): (typeof documents)["\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResilienceCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess { endpoint { id } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n"): (typeof documents)["\n  mutation ResilienceCreateEndpoint($input: CreateEndpointInput!) {\n    createEndpoint(input: $input) {\n      __typename\n      ... on EndpointSuccess { endpoint { id } }\n      ... on ValidationError { message fieldErrors { path message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResiliencePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id } }\n      ... on ValidationError { message }\n    }\n  }\n"): (typeof documents)["\n  mutation ResiliencePublish($input: PublishEventInput!) {\n    publishEvent(input: $input) {\n      __typename\n      ... on PublishEventSuccess { event { id } }\n      ... on ValidationError { message }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;