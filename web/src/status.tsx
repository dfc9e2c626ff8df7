// Status words: the seed's own (Active, Success…) for the API's enums, as badges; and the
// "failing" warning the endpoint list and the editor both show.
import { formatAgo } from './format.ts';

export type EndpointStatus = 'ACTIVE' | 'PAUSED' | 'DISABLED';
export type DeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

const ENDPOINT_STATUS: Record<EndpointStatus, [string, string]> = {
  ACTIVE: ['Active', 'good'],
  PAUSED: ['Paused', 'warn'],
  DISABLED: ['Disabled', 'bad'],
};

const DELIVERY_STATUS: Record<DeliveryStatus, [string, string]> = {
  SUCCEEDED: ['Success', 'good'],
  FAILED: ['Failed', 'bad'],
  PENDING: ['Pending', 'muted'],
};

export function EndpointBadge({ status }: { status: EndpointStatus }) {
  const [label, tone] = ENDPOINT_STATUS[status];
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {label}
    </span>
  );
}

export function DeliveryBadge({ status, retrying }: { status: DeliveryStatus; retrying?: boolean }) {
  const [label, tone] = retrying && status === 'PENDING' ? ['Retrying', 'warn'] : DELIVERY_STATUS[status];
  return (
    <span className={`badge ${tone}`} data-status={status}>
      {label}
    </span>
  );
}

/** What an endpoint says of its run of failures (the API's failing, consecutiveFailures, failingSince). */
export interface FailingFields {
  status: EndpointStatus;
  failing: boolean;
  consecutiveFailures: number;
  failingSince?: string | null;
}

/** The warning while an active endpoint is failing; nothing otherwise. */
export function FailingWarning({ endpoint }: { endpoint: FailingFields }) {
  if (endpoint.status !== 'ACTIVE' || !endpoint.failing) return null;
  return (
    <p className="warning small" role="note">
      Failing: the last {endpoint.consecutiveFailures} attempts failed
      {endpoint.failingSince ? `, since ${formatAgo(endpoint.failingSince)}` : ''}. Retries go on.
    </p>
  );
}
