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
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": typeof types.NodeByIdDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      id\n      name\n      createdAt\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation CreateAccount($name: String!) {\n    createAccount(name: $name) {\n      __typename\n      ... on CreateAccountSuccess {\n        apiKey\n        account {\n          id\n          name\n        }\n      }\n      ... on ValidationError {\n        message\n        fieldErrors {\n          path\n          message\n        }\n      }\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation CreateApiKey($name: String) {\n    createApiKey(name: $name) {\n      __typename\n      ... on CreateApiKeySuccess {\n        apiKey\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  query NodeById($id: ID!) {\n    node(id: $id) {\n      id\n      __typename\n    }\n  }\n": types.NodeByIdDocument,
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;