// The editor's form state (URL, verify token, event types, settings) as one reducer, what is dirty
// against the endpoint as last loaded, and Save Changes.
import { useEffect, useMemo, useReducer, type FormEvent } from 'react';
import { graphql } from '../../generated/index.ts';
import { changedInput, draftsOf, type Drafts } from '../../endpoint-form.tsx';
import { useMutate } from '../../session.tsx';
import { useNotify } from '../../notices.tsx';
import { refusalOf, type FieldErrors } from '../../ui.tsx';
import type { Endpoint } from './query.ts';
import { destinationDraftOf, destinationInputOf, sameDestination, type DestinationDraft } from '../../destination-form.tsx';

const UpdateEndpointMutation = graphql(`
  mutation DashboardUpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
    updateEndpoint(id: $id, input: $input) {
      __typename
      ... on EndpointSuccess {
        endpoint {
          id
          updatedAt
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

/** The endpoint as the form last took it from the API: edits are measured against it. */
interface Baseline {
  updatedAt: string;
  url: string;
  destination: DestinationDraft;
  eventTypes: string[];
  drafts: Drafts;
}

const baselineOf = (endpoint: Endpoint): Baseline => ({
  updatedAt: endpoint.updatedAt,
  url: endpoint.url,
  destination: destinationDraftOf(endpoint.destination),
  eventTypes: [...endpoint.eventTypes],
  drafts: draftsOf(endpoint as unknown as Record<string, unknown>),
});

export interface FormState {
  baseline: Baseline;
  url: string;
  destination: DestinationDraft;
  verifyToken: string;
  eventTypes: string[];
  drafts: Drafts;
  errors: FieldErrors;
  formError: string | null;
  saving: boolean;
  /** The updatedAt our own save answered, until the refetch brings it. */
  resyncAt: string | null;
  /**
   * What Save Changes sent, until the refetch after it brings the saved endpoint: a field edited
   * since (the user typed on while the save and its refetch were under way) keeps the edit, the
   * others take the value as the API normalised it.
   */
  submitted: Pick<FormState, 'url' | 'destination' | 'eventTypes' | 'drafts'> | null;
}

type Edit = Partial<Pick<FormState, 'url' | 'destination' | 'verifyToken' | 'eventTypes'>>;

type Action =
  | { type: 'edit'; change: Edit }
  | { type: 'setting'; name: string; value: Drafts[string] }
  | { type: 'rebase'; baseline: Baseline }
  /** Errors to show; without `errors`, the fields' stay as they are. */
  | { type: 'refuse'; errors?: FieldErrors; message: string | null }
  | { type: 'saving' }
  | { type: 'saved'; updatedAt: string }
  | { type: 'settled' };

function reduce(state: FormState, action: Action): FormState {
  switch (action.type) {
    case 'edit':
      return { ...state, ...action.change };
    case 'setting':
      return { ...state, drafts: { ...state.drafts, [action.name]: action.value } };
    case 'rebase': {
      const { baseline } = action;
      const sent = state.submitted;
      if (!sent) return { ...state, baseline, url: baseline.url, destination: baseline.destination, eventTypes: baseline.eventTypes, drafts: baseline.drafts, resyncAt: null };
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      const drafts = Object.fromEntries(Object.entries(baseline.drafts).map(([name, saved]) => [name, same(state.drafts[name], sent.drafts[name]) ? saved : state.drafts[name]!]));
      return {
        ...state,
        baseline,
        url: state.url === sent.url ? baseline.url : state.url,
        destination: sameDestination(state.destination, sent.destination) ? baseline.destination : state.destination,
        eventTypes: same(state.eventTypes, sent.eventTypes) ? baseline.eventTypes : state.eventTypes,
        drafts,
        resyncAt: null,
        submitted: null,
      };
    }
    case 'refuse':
      return { ...state, errors: action.errors ?? state.errors, formError: action.message, submitted: null };
    case 'saving':
      return { ...state, saving: true, submitted: { url: state.url, destination: state.destination, eventTypes: state.eventTypes, drafts: state.drafts } };
    case 'saved':
      return { ...state, verifyToken: '', resyncAt: action.updatedAt };
    case 'settled':
      return { ...state, saving: false };
  }
}

function initial(endpoint: Endpoint): FormState {
  const baseline = baselineOf(endpoint);
  const { url, destination, eventTypes, drafts } = baseline;
  return { baseline, url, destination, verifyToken: '', eventTypes, drafts, errors: {}, formError: null, saving: false, resyncAt: null, submitted: null };
}

export function useEndpointForm(endpoint: Endpoint, refetch: () => Promise<void>) {
  const mutate = useMutate();
  const notify = useNotify();
  const [state, dispatch] = useReducer(reduce, endpoint, initial);
  const { baseline, url, destination, verifyToken, eventTypes, drafts } = state;

  const settingsChange = useMemo(() => changedInput(baseline.drafts, drafts), [baseline, drafts]);
  const eventTypesChanged = JSON.stringify(eventTypes) !== JSON.stringify(baseline.eventTypes);
  const destinationChanged = !sameDestination(destination, baseline.destination);
  const dirty = url !== baseline.url || destinationChanged || verifyToken !== '' || eventTypesChanged || Object.keys(settingsChange.input).length > 0 || Object.keys(settingsChange.errors).length > 0;

  // After a save, the saved endpoint (as the API normalised it) becomes the form's baseline; a change
  // made elsewhere (another tab, the API) shows too, unless this form has edits of its own.
  useEffect(() => {
    const saved = state.resyncAt !== null && endpoint.updatedAt === state.resyncAt;
    if (!saved && (endpoint.updatedAt === baseline.updatedAt || dirty)) return;
    dispatch({ type: 'rebase', baseline: baselineOf(endpoint) });
  }, [endpoint, baseline.updatedAt, dirty, state.resyncAt]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const local: FieldErrors = { ...settingsChange.errors };
    if (eventTypes.length === 0) local.eventTypes = ['at least one event type must stay selected'];
    if (!url.trim()) local.url = ['is required'];
    const invalid = Object.keys(local).length > 0;
    dispatch({ type: 'refuse', errors: local, message: invalid ? 'Some fields need attention.' : null });
    if (invalid) return;
    const input: Record<string, unknown> = { ...settingsChange.input };
    // A broker URL is shown masked: it is sent only when retyped, whole, with its password.
    if (url !== baseline.url) input.url = url.trim();
    if (destinationChanged) input.destination = destinationInputOf(destination);
    if (verifyToken) input.verifyToken = verifyToken;
    if (eventTypesChanged) input.eventTypes = eventTypes;
    if (Object.keys(input).length === 0) return notify('Nothing to save');
    dispatch({ type: 'saving' });
    try {
      const { updateEndpoint: result } = await mutate(UpdateEndpointMutation, { id: endpoint.id, input });
      if (result.__typename === 'EndpointSuccess') {
        dispatch({ type: 'saved', updatedAt: result.endpoint.updatedAt });
        notify('Changes saved');
        await refetch();
      } else {
        dispatch({ type: 'refuse', ...refusalOf(result) });
      }
    } catch (e) {
      dispatch({ type: 'refuse', message: (e as Error).message });
    } finally {
      dispatch({ type: 'settled' });
    }
  };

  return {
    state,
    dirty,
    save,
    edit: (change: Edit) => dispatch({ type: 'edit', change }),
    setSetting: (name: string, value: Drafts[string]) => dispatch({ type: 'setting', name, value }),
  };
}
