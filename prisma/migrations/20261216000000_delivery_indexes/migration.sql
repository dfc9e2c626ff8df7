-- A delivery keeps only the indexes some read walks (issue 16: bytes per delivery; every delivery
-- insert of a publish pays each index, in time and WAL). test/db/reads-plans.test.ts explains
-- every read (GraphQL, and the worker's of pending deliveries) on a seeded month.
--
-- (endpoint_id, status, id) and (account_id, status, id) go: every finished delivery (nearly all
-- of them) sat in both for the few reads that filter by status. In their place, partial indexes of
-- the rare statuses, which hold the backlog and the failures, not the history:
-- - delivery_pending_idx (endpoint_id, id) WHERE PENDING: an ordered endpoint's head (its oldest
--   pending delivery, lanes.ts CLAIM_HEAD), the pending counts of stats (delivery-counts.ts,
--   endpoint by endpoint of the account) and an endpoint's PENDING pages. A delivery leaves it when
--   it finishes (VACUUM).
-- - delivery_account_pending_idx (account_id, id) WHERE PENDING: the account's PENDING pages.
-- - delivery_failed_idx, now (endpoint_id, id) WHERE FAILED (it was (endpoint_id, created_at)):
--   an endpoint's FAILED pages, and recoverFailedDeliveries, whose `since` bounds the ids (ids are
--   time-ordered: hookwire_history_bound).
-- - delivery_account_failed_idx (account_id, id) WHERE FAILED: the account's FAILED pages.
-- Pages of PENDING and FAILED take their ids from these with statements whose predicate names the
-- status literally (deliveries.ts STATUS_PAGES): Prisma's `status = CAST($n::text AS
-- delivery_status)` matches no partial index. SUCCEEDED pages (the common status) walk
-- (endpoint_id, id) or (account_id, id) newest first, nearly every row a match.
-- (event_id) stays a b-tree: an event's deliveries share its id and the b-tree keeps it once for
-- all of them (deduplication, ~18 B per delivery at the bench's fan-out), which a hash cannot.
DROP INDEX delivery_endpoint_id_status_id_idx;
DROP INDEX delivery_account_id_status_id_idx;
DROP INDEX delivery_failed_idx;
CREATE INDEX delivery_pending_idx ON delivery (endpoint_id, id) WHERE (status = 'PENDING'::delivery_status);
CREATE INDEX delivery_account_pending_idx ON delivery (account_id, id) WHERE (status = 'PENDING'::delivery_status);
CREATE INDEX delivery_failed_idx ON delivery (endpoint_id, id) WHERE (status = 'FAILED'::delivery_status);
CREATE INDEX delivery_account_failed_idx ON delivery (account_id, id) WHERE (status = 'FAILED'::delivery_status);
