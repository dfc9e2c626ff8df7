// Edit Endpoint: the screen that loads one endpoint and lays out its cards (URL, signing secret,
// status and test event, the 24-hour chart, event types, advanced settings, the danger zone) in the
// one form Save Changes submits. Live: the status, health line and chart follow the subscriptions.
import { useId } from 'react';
import { useCatalog } from '../../endpoint-form.tsx';
import { useTitle } from '../../router.tsx';
import { useCanEdit, useFeature, useFeatureVariables } from '../../portal.tsx';
import { useQuery, useSubscription, useThrottled } from '../../session.tsx';
import { AttemptSubscription, EndpointStatusSubscription } from '../../live.ts';
import { FormError } from '../../ui.tsx';
import { EndpointNotFound, LoadFailed } from '../page-messages.tsx';
import { ActivitySection } from './ActivitySection.tsx';
import { AdvancedSettings } from './AdvancedSettings.tsx';
import { DangerZone } from './DangerZone.tsx';
import { EditorHead } from './EditorHead.tsx';
import { EventTypesSection } from './EventTypesSection.tsx';
import { EndpointQuery, type Endpoint } from './query.ts';
import { SigningSecret } from './SigningSecret.tsx';
import { StatusSection } from './StatusSection.tsx';
import { UrlSection } from './UrlSection.tsx';
import { useEndpointForm } from './useEndpointForm.ts';

export function EndpointEditor({ endpointId }: { endpointId: string }) {
  const { data, error, refetch } = useQuery(EndpointQuery, { id: endpointId, ...useFeatureVariables() });
  const endpoint = data?.endpoint;
  useTitle(endpoint ? `Edit ${endpoint.description}` : 'Edit endpoint');

  const refresh = useThrottled(() => void refetch(), 500);
  useSubscription(EndpointStatusSubscription, { endpointId }, () => void refetch());
  useSubscription(AttemptSubscription, { endpointId }, refresh);

  if (error && !endpoint) return <LoadFailed error={error} />;
  if (!data) return <p className="page muted">Loading the endpoint…</p>;
  if (!endpoint) return <EndpointNotFound />;
  return <Editor endpoint={endpoint} refetch={refetch} />;
}

function Editor({ endpoint, refetch }: { endpoint: Endpoint; refetch(): Promise<void> }) {
  const catalog = useCatalog();
  const id = useId();
  const form = useEndpointForm(endpoint, refetch);
  const { errors } = form.state;
  const canEdit = useCanEdit();
  const secrets = useFeature('secrets');

  return (
    <section className="page editor" aria-labelledby={`${id}-title`}>
      <form id={`${id}-form`} onSubmit={form.save} noValidate>
        <EditorHead endpoint={endpoint} titleId={`${id}-title`} saving={form.state.saving} dirty={form.dirty} refetch={refetch} />
        <FormError message={form.state.formError} />

        <div className="editor-grid">
          {/* Read-only (a portal session): the same cards, their controls disabled, and no action that changes anything. */}
          <fieldset className="contents" disabled={!canEdit}>
            <UrlSection
              endpoint={endpoint}
              url={form.state.url}
              destination={form.state.destination}
              verifyToken={form.state.verifyToken}
              errors={errors}
              onChange={form.edit}
            />
          </fieldset>
          {secrets && <SigningSecret endpoint={endpoint} onRotated={refetch} />}
          <StatusSection endpoint={endpoint} catalog={catalog.map((t) => t.name)} canEdit={canEdit} />
          <ActivitySection endpoint={endpoint} />
          <fieldset className="contents" disabled={!canEdit}>
            <EventTypesSection catalog={catalog} selected={form.state.eventTypes} errors={errors.eventTypes} onChange={(eventTypes) => form.edit({ eventTypes })} />
            <AdvancedSettings drafts={form.state.drafts} errors={errors} onChange={form.setSetting} />
          </fieldset>
          {canEdit && <DangerZone endpoint={endpoint} />}
        </div>
      </form>
    </section>
  );
}
