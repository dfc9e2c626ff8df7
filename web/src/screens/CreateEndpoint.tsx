// The Create Webhook Endpoint dialog: URL, description, rate limit and event types, as seed 002
// lays it out; the API's ValidationError is shown field by field.
import { useState, type FormEvent } from 'react';
import { graphql } from '../generated/index.ts';
import { EventTypePicker, useCatalog } from '../endpoint-form.tsx';
import { DESTINATION_KINDS, DestinationFields, destinationInputOf, HTTP_DESTINATION, type DestinationDraft } from '../destination-form.tsx';
import { useMutate } from '../session.tsx';
import { Dialog, DialogActions } from '../dialog.tsx';
import { Field, FormError, refusalOf, type FieldErrors } from '../ui.tsx';

const CreateEndpointMutation = graphql(`
  mutation DashboardCreateEndpoint($input: CreateEndpointInput!) {
    createEndpoint(input: $input) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          id
          description
        }
      }
      ... on ValidationError {
        ...FieldErrorsFields
      }
      ... on Error {
        message
      }
    }
  }
`);

export function CreateEndpointDialog({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(endpoint: { id: string; description: string }): void }) {
  const mutate = useMutate();
  const catalog = useCatalog();
  const [url, setUrl] = useState('');
  const [destination, setDestination] = useState<DestinationDraft>(HTTP_DESTINATION);
  const [description, setDescription] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setUrl('');
    setDestination(HTTP_DESTINATION);
    setDescription('');
    setRateLimit('');
    setEventTypes([]);
    setErrors({});
    setFormError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // Only what the API cannot say for us (an empty box); everything else is the API's ValidationError.
    const local: FieldErrors = {};
    if (!url.trim()) local.url = ['is required'];
    if (!description.trim()) local.description = ['is required'];
    if (rateLimit.trim() && !/^\d+$/.test(rateLimit.trim())) local.rateLimitPerSecond = ['must be a whole number, or blank for no limit'];
    if (eventTypes.length === 0) local.eventTypes = ['select at least one event type'];
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      const input = {
        url: url.trim(),
        destination: destinationInputOf(destination),
        description: description.trim(),
        eventTypes,
        rateLimitPerSecond: rateLimit.trim() ? Number(rateLimit) : null,
      };
      const { createEndpoint: result } = await mutate(CreateEndpointMutation, { input });
      if (result.__typename === 'EndpointSuccess') {
        reset();
        onCreated(result.endpoint);
      } else {
        const refused = refusalOf(result);
        setErrors(refused.errors);
        setFormError(refused.message);
      }
    } catch (error) {
      setFormError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} title="Create Webhook Endpoint" onClose={onClose} className="dialog wide">
      <form onSubmit={submit} noValidate className="dialog-body form">
        <DestinationFields draft={destination} errors={errors.destination} onChange={setDestination} />
        <Field label="URL (required)" errors={errors.url}>
          {(control) => (
            <input
              {...control}
              name="url"
              type="url"
              placeholder={DESTINATION_KINDS.find((k) => k.kind === destination.kind)!.placeholder}
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              data-autofocus
            />
          )}
        </Field>
        <Field label="Description (required)" help="A label for the endpoint, shown as its name in the list." errors={errors.description}>
          {(control) => <input {...control} name="description" placeholder="CRM sync" value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <Field label="Rate Limit (per second)" help="Optional cap on deliveries per second. Leave blank for no limit." errors={errors.rateLimitPerSecond}>
          {(control) => (
            <input {...control} name="rateLimitPerSecond" inputMode="numeric" placeholder="No limit" value={rateLimit} onChange={(e) => setRateLimit(e.target.value)} />
          )}
        </Field>
        <EventTypePicker catalog={catalog} selected={eventTypes} onChange={setEventTypes} errors={errors.eventTypes} legend="Event Types (at least one)" />
        <FormError message={formError} />
        <DialogActions onCancel={onClose} label="Create Endpoint" busyLabel="Creating…" busy={busy} />
      </form>
    </Dialog>
  );
}
