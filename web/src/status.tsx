// Status words: the seed's own (Active, Success…) for the API's enums, as badges.

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
