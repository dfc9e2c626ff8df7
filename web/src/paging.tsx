// Paging over a Relay connection: Previous / Next with before/after cursors kept in the URL.

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string | null;
  endCursor?: string | null;
}

export interface PageArgs {
  first?: number;
  last?: number;
  after?: string;
  before?: string;
}

export function pageArgs(query: URLSearchParams, size: number): PageArgs {
  const after = query.get('after');
  const before = query.get('before');
  if (before) return { last: size, before };
  if (after) return { first: size, after };
  return { first: size };
}

export function Pager({ pageInfo, label, onPage }: { pageInfo: PageInfo | undefined; label: string; onPage(args: { after?: string; before?: string }): void }) {
  if (!pageInfo) return null;
  const button = (text: string, more: boolean, cursor: string | null | undefined, args: (cursor: string) => { after?: string; before?: string }) => (
    <button type="button" className="button" disabled={!more || !cursor} onClick={() => cursor && onPage(args(cursor))}>
      {text}
    </button>
  );
  return (
    <nav className="pager" aria-label={label}>
      {button('Previous', pageInfo.hasPreviousPage, pageInfo.startCursor, (before) => ({ before }))}
      {button('Next', pageInfo.hasNextPage, pageInfo.endCursor, (after) => ({ after }))}
    </nav>
  );
}
