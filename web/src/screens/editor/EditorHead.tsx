// The editor's sticky head: back to the list, the title with the status badge, and the actions
// (View Messages, Pause / Resume, Save Changes, which submits the editor's form).
import { graphql } from '../../generated/index.ts';
import { Link } from '../../router.tsx';
import { useMutate } from '../../session.tsx';
import { Icon } from '../../icons.tsx';
import { useNotify } from '../../notices.tsx';
import { EndpointBadge } from '../../status.tsx';
import { orThrow } from '../../ui.tsx';
import { useCanEdit } from '../../portal.tsx';
import type { Endpoint } from './query.ts';

const PauseMutation = graphql(`
  mutation DashboardPauseEndpoint($id: ID!) {
    pauseEndpoint(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

const ResumeMutation = graphql(`
  mutation DashboardResumeEndpoint($id: ID!) {
    resumeEndpoint(id: $id) {
      __typename
      ... on Error {
        message
      }
    }
  }
`);

export function EditorHead(props: { endpoint: Endpoint; titleId: string; saving: boolean; dirty: boolean; refetch(): Promise<void> }) {
  const { endpoint } = props;
  const mutate = useMutate();
  const notify = useNotify();

  const togglePause = async () => {
    const paused = endpoint.status !== 'ACTIVE';
    try {
      orThrow(paused ? (await mutate(ResumeMutation, { id: endpoint.id })).resumeEndpoint : (await mutate(PauseMutation, { id: endpoint.id })).pauseEndpoint, 'EndpointSuccess');
    } catch (e) {
      return notify((e as Error).message, 'bad');
    }
    notify(paused ? 'Endpoint resumed: held deliveries are on their way' : 'Endpoint paused: deliveries are held until you resume');
    await props.refetch();
  };

  const canEdit = useCanEdit();
  return (
    <div className="page-head sticky">
      <div>
        <Link href="/endpoints" className="back">
          <Icon name="back" size={16} /> Endpoints
        </Link>
        <div className="endpoint-title">
          <h1 id={props.titleId}>{canEdit ? 'Edit Endpoint' : 'Endpoint'}</h1>
          <EndpointBadge status={endpoint.status} />
        </div>
        <p className="muted mono small">{endpoint.id}</p>
      </div>
      <div className="actions">
        <Link className="button" href={`/endpoints/${endpoint.id}/messages`}>
          View Messages
        </Link>
        {canEdit && (
          <>
            <button type="button" className="button" onClick={togglePause}>
              {endpoint.status === 'ACTIVE' ? 'Pause' : 'Resume'}
            </button>
            <button type="submit" className="button primary" disabled={props.saving || !props.dirty}>
              {props.saving ? 'Saving…' : 'Save Changes'}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
