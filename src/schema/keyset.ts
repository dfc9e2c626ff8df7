// History pages ordered by id, newest first, as plain keyset bounds. Pothos hands Prisma a cursor
// ({ cursor, skip: 1 }), which Prisma writes as `id <= (SELECT id … WHERE id = $cursor)`: a
// sub-select whose value the planner cannot see, so it may read an endpoint's whole history and sort
// it (test/db/reads-plans.test.ts). `id < $cursor` (or `>` for a backward page) walks the index that
// matches the filter and stops after the page.
export interface PageQuery {
  cursor?: { id?: string };
  skip?: number;
  take?: number;
}

/** The page's query with its cursor as an id bound beside `where` (for orderBy id descending). */
export function keysetPage<Q extends PageQuery, W extends object>(query: Q, where: W): Omit<Q, 'cursor' | 'skip'> & { where: W | { AND: object[] } } {
  const { cursor, skip: _skip, ...rest } = query;
  if (cursor?.id === undefined) return { ...rest, where };
  // Forward pages (take > 0) continue below the cursor; backward ones (take < 0) above it.
  const bound = (rest.take ?? 1) > 0 ? { lt: cursor.id } : { gt: cursor.id };
  return { ...rest, where: { AND: [where, { id: bound }] } };
}
