// The Create Webhook Endpoint dialog: URL, description, rate limit and event types, as seed 002
// lays it out; the API's ValidationError is shown field by field.
import { useId, useState, type FormEvent } from 'react';
import { graphql } from '../generated/index.ts';
import { EventTypePicker, useCatalog } from '../endpoint-form.tsx';
import { useMutate } from '../session.tsx';
import { Dialog, FieldError, fieldErrorsOf, type FieldErrors } from '../ui.tsx';

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
        message
        fieldErrors {
          path
          message
        }
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
  const [description, setDescription] = useState('');
  const [rateLimit, setRateLimit] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const reset = () => {
    setUrl('');
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
        description: description.trim(),
        eventTypes,
        rateLimitPerSecond: rateLimit.trim() ? Number(rateLimit) : null,
      };
      const { createEndpoint: result } = await mutate(CreateEndpointMutation, { input });
      if (result.__typename === 'EndpointSuccess') {
        reset();
        onCreated(result.endpoint);
      } else if (result.__typename === 'ValidationError') {
        setErrors(fieldErrorsOf(result.fieldErrors));
        setFormError(result.message);
      } else {
        setFormError(result.message);
      }
    } catch (error) {
      setFormError((error as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const described = (field: string) => (errors[field]?.length ? `${id}-${field}-error` : undefined);
  return (
    <Dialog open={open} title="Create Webhook Endpoint" onClose={onClose} className="dialog wide">
      <form onSubmit={submit} noValidate className="dialog-body form">
        <div className="field">
          <label htmlFor={`${id}-url`}>URL (required)</label>
          <input
            id={`${id}-url`}
            name="url"
            type="url"
            placeholder="https://example.com/webhook"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-invalid={errors.url ? true : undefined}
            aria-describedby={described('url')}
            autoFocus
          />
          <FieldError id={`${id}-url-error`} messages={errors.url} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description (required)</label>
          <input
            id={`${id}-description`}
            name="description"
            placeholder="CRM sync"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            aria-invalid={errors.description ? true : undefined}
            aria-describedby={[`${id}-description-help`, described('description')].filter(Boolean).join(' ')}
          />
          <p className="help" id={`${id}-description-help`}>
            A label for the endpoint, shown as its name in the list.
          </p>
          <FieldError id={`${id}-description-error`} messages={errors.description} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-rate`}>Rate Limit (per second)</label>
          <input
            id={`${id}-rate`}
            name="rateLimitPerSecond"
            inputMode="numeric"
            placeholder="No limit"
            value={rateLimit}
            onChange={(e) => setRateLimit(e.target.value)}
            aria-invalid={errors.rateLimitPerSecond ? true : undefined}
            aria-describedby={[`${id}-rate-help`, described('rateLimitPerSecond')].filter(Boolean).join(' ')}
          />
          <p className="help" id={`${id}-rate-help`}>
            Optional cap on deliveries per second. Leave blank for no limit.
          </p>
          <FieldError id={`${id}-rateLimitPerSecond-error`} messages={errors.rateLimitPerSecond} />
        </div>
        <EventTypePicker catalog={catalog} selected={eventTypes} onChange={setEventTypes} errors={errors.eventTypes} legend="Event Types (at least one)" />
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <footer className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create Endpoint'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
