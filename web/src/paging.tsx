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
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button"
        disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
        onClick={() => onPage({ before: pageInfo.startCursor ?? undefined })}
      >
        Previous
      </button>
      <button
        type="button"
        className="button"
        disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
        onClick={() => onPage({ after: pageInfo.endCursor ?? undefined })}
      >
        Next
      </button>
    </nav>
  );
}
