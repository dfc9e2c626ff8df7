// The exact bytes a delivery POSTs, in one place for every field that shows them
// (DeliveryAttempt.requestBody, SignedRequest.body): what the endpoint's transformation made of
// the event, stored on the delivery before its first attempt, or else the event's payload.

/** A DeliveryAttempt row with what `sentBody.select` reads of it. */
interface AttemptWithBody {
  delivery: { body: string | null; event: { payload: string } };
}

/** Spread into a Pothos string field of a DeliveryAttempt object (`t.string({ ...sentBody, description })`). */
export const sentBody = {
  select: { delivery: { select: { body: true, event: { select: { payload: true } } } } },
  resolve: (attempt: AttemptWithBody): string => attempt.delivery.body ?? attempt.delivery.event.payload,
} as const;
