// The operator view: signed in with the deployment's admin key, every account (search by name or
// externalId, status, endpoints and failing endpoints), and opening one, which shows the usual
// screens acting for it (Hookwire-Account).
import { useEffect, useId, useState } from 'react';
import { request } from '../api.ts';
import { graphql } from '../generated/index.ts';
import type { DashboardAccountsQuery } from '../generated/graphql.ts';
import { useTitle } from '../router.tsx';
import { FormError } from '../ui.tsx';

const AccountsQuery = graphql(`
  query DashboardAccounts($search: String, $status: AccountStatus, $after: String) {
    accounts(first: 50, search: $search, status: $status, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          externalId
          status
          createdAt
          endpointCount
          failingEndpointCount
        }
      }
    }
  }
`);

const PortalLinkMutation = graphql(`
  mutation DashboardPortalLink($input: PortalSessionInput!) {
    createPortalSession(input: $input) {
      __typename
      ... on PortalSessionSuccess {
        portalSession {
          url
          expiresAt
        }
      }
      ... on Error {
        message
      }
    }
  }
`);

type Status = 'ACTIVE' | 'DISABLED';
type Account = DashboardAccountsQuery['accounts']['edges'][number]['node'];

export function Accounts(props: { adminKey: string; onOpen(account: Account): void; onSignOut(): void }) {
  useTitle('Accounts');
  const id = useId();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [data, setData] = useState<DashboardAccountsQuery['accounts'] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    // Typed searches wait a moment so that each keystroke is not a request.
    const timer = setTimeout(() => {
      request(AccountsQuery, { search: search.trim() || null, status: status || null }, props.adminKey).then(
        (result) => current && (setData(result.accounts), setError(null)),
        (e: Error) => current && setError(e.message),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, status, props.adminKey]);

  /** A portal link for the account (an hour), shown in its row to copy and send to the customer. */
  const [links, setLinks] = useState<Record<string, string>>({});
  const portalLink = async (account: Account) => {
    try {
      const made = (await request(PortalLinkMutation, { input: { account: account.id } }, props.adminKey)).createPortalSession;
      if (made.__typename !== 'PortalSessionSuccess') throw new Error('message' in made ? made.message : 'The portal link could not be made');
      setLinks((current) => ({ ...current, [account.id]: made.portalSession.url }));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <>
      <header className="topbar">
        <span className="brand">Hookwire</span>
        <div className="topbar-end">
          <span className="account">Admin key</span>
          <button type="button" className="button small" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <section className="page" aria-labelledby={`${id}-title`}>
          <div className="page-head">
            <h1 id={`${id}-title`}>Accounts</h1>
            {data && <p className="muted">{data.totalCount} in all</p>}
          </div>
          <div className="toolbar">
            <label htmlFor={`${id}-search`}>Search</label>
            <input id={`${id}-search`} type="search" placeholder="Name or external id" value={search} onChange={(e) => setSearch(e.target.value)} />
            <label htmlFor={`${id}-status`}>Status</label>
            <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
              <option value="">Any</option>
              <option value="ACTIVE">Active</option>
              <option value="DISABLED">Disabled</option>
            </select>
          </div>
          <FormError message={error} />
          {!data && !error && <p className="muted">Loading the accounts…</p>}
          {data && data.edges.length === 0 && <p className="muted">No accounts match.</p>}
          {data && data.edges.length > 0 && (
            <div className="card table-card">
            <table className="deliveries" aria-label="Accounts">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">External id</th>
                  <th scope="col">Status</th>
                  <th scope="col">Endpoints</th>
                  <th scope="col">Failing</th>
                  <th scope="col">
                    <span className="visually-hidden">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.edges.map(({ node: account }) => (
                  <tr key={account.id} data-account-id={account.id}>
                    <td>{account.name}</td>
                    <td className="mono">{account.externalId ?? '-'}</td>
                    <td>{account.status === 'ACTIVE' ? 'Active' : 'Disabled'}</td>
                    <td>{account.endpointCount}</td>
                    <td className={account.failingEndpointCount > 0 ? 'warning' : undefined}>{account.failingEndpointCount}</td>
                    <td>
                      <button type="button" className="button small" disabled={account.status !== 'ACTIVE'} onClick={() => props.onOpen(account)} aria-label={`Open ${account.name}`}>
                        Open
                      </button>{' '}
                      <button type="button" className="button small" disabled={account.status !== 'ACTIVE'} onClick={() => void portalLink(account)} aria-label={`Portal link for ${account.name}`}>
                        Portal link
                      </button>
                      {links[account.id] && (
                        <input className="mono small" readOnly value={links[account.id]} aria-label={`Portal link of ${account.name}`} onFocus={(e) => e.target.select()} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          )}
        </section>
      </main>
    </>
  );
}
