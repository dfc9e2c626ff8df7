// Driving Hookwire through its GraphQL API, as a customer's backend does: an account with its
// endpoints, sample events, publishing. Shared by the benchmark and the soak.
import { ADMIN_KEY, type GraphQLClient } from './processes.ts';

const CREATE_ACCOUNT = `mutation($name: String!) { createAccount(name: $name) { ... on CreateAccountSuccess { account { id } apiKey } } }`;
const CREATE_ENDPOINT = `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { __typename ... on EndpointSuccess { endpoint { id } } ... on ValidationError { message } } }`;
const PUBLISH = `mutation($input: PublishEventInput!) { publishEvent(input: $input) { __typename ... on PublishEventSuccess { event { id } } ... on ValidationError { message } } }`;
const PUBLISH_MANY = `mutation($inputs: [PublishEventInput!]!) { publishEvents(inputs: $inputs) { __typename ... on PublishEventsSuccess { events { id } } ... on ValidationError { message } } }`;

/** The API answered, and said no (a ValidationError): sending the same again cannot help. */
export class PublishRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}

export interface Account {
  id: string;
  key: string;
  endpointIds: string[];
}

export async function account(api: GraphQLClient, name: string, endpoints: Array<Record<string, unknown>>): Promise<Account> {
  const { createAccount } = await api.request(CREATE_ACCOUNT, { name }, ADMIN_KEY);
  const key = createAccount.apiKey as string;
  const endpointIds: string[] = [];
  for (const input of endpoints) {
    const { createEndpoint } = await api.request(CREATE_ENDPOINT, { input: { description: name, eventTypes: ['*'], ...input } }, key);
    if (createEndpoint.__typename !== 'EndpointSuccess') throw new Error(`createEndpoint: ${JSON.stringify(createEndpoint)}`);
    endpointIds.push(createEndpoint.endpoint.id);
  }
  return { id: createAccount.account.id, key, endpointIds };
}

let sequence = 0;
export function event(sessionId = 'bench') {
  return {
    type: 'message.received',
    sessionId,
    data: {
      messageId: `wamid.bench.${sequence++}`,
      from: '15551234567',
      contactName: 'Bench',
      messageType: 'text',
      content: { text: 'hello from the benchmark' },
      timestamp: new Date().toISOString(),
    },
  };
}

export async function publishOne(api: GraphQLClient, key: string): Promise<string> {
  const { publishEvent } = await api.request(PUBLISH, { input: event() }, key);
  if (publishEvent.__typename !== 'PublishEventSuccess') throw new PublishRefusedError(`publishEvent: ${JSON.stringify(publishEvent)}`);
  return publishEvent.event.id;
}

/** One publishEvents call (all or none); the ids in the order of the inputs. */
export async function publishEvents(api: GraphQLClient, key: string, inputs: Array<Record<string, unknown>>): Promise<string[]> {
  const { publishEvents } = await api.request(PUBLISH_MANY, { inputs }, key);
  if (publishEvents.__typename !== 'PublishEventsSuccess') throw new PublishRefusedError(`publishEvents: ${JSON.stringify(publishEvents)}`);
  return publishEvents.events.map((e: { id: string }) => e.id);
}

export function publishBatch(api: GraphQLClient, key: string, count: number): Promise<string[]> {
  return publishEvents(api, key, Array.from({ length: count }, () => event()));
}
