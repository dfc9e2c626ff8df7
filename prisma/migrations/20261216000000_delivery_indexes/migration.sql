-- A delivery keeps only the indexes some read walks (issue 16: bytes per delivery; every delivery
-- insert of a publish pays each index, in time and WAL). test/db/reads-plans.test.ts explains
-- every read (GraphQL, and the worker's of pending deliveries) on a seeded month.
--
-- (endpoint_id, status, id) and (account_id, status, id) go: every finished delivery (nearly all
-- of them) sat in both for the few reads that filter by status. In their place:
-- - delivery_pending_idx (endpoint_id, id) WHERE PENDING: an ordered endpoint's head (its oldest
--   pending delivery, lanes.ts CLAIM_HEAD), and the pending counts of stats (delivery-counts.ts,
--   endpoint by endpoint of the account). A delivery leaves it when it finishes (VACUUM): it holds
--   the backlog, not the history.
-- - Pages filtered by status (Prisma's: `status = CAST($n::text AS delivery_status)`, which no
--   partial index's predicate matches) walk (endpoint_id, id) or (account_id, id) newest first and
--   skip the other statuses until the page is full.
-- (event_id) stays a b-tree: an event's deliveries share its id and the b-tree keeps it once for
-- all of them (deduplication, ~18 B per delivery at the bench's fan-out), which a hash cannot.
-- delivery_failed_idx (recoverFailedDeliveries) holds only the failed ones: it stays.
DROP INDEX delivery_endpoint_id_status_id_idx;
DROP INDEX delivery_account_id_status_id_idx;
CREATE INDEX delivery_pending_idx ON delivery (endpoint_id, id) WHERE (status = 'PENDING'::delivery_status);
