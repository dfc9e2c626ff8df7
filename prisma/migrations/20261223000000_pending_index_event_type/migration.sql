-- The backlog's index carries each pending delivery's event type.
--
-- stats and totalCount of deliveries(eventType:) count the pending deliveries of the type endpoint
-- by endpoint from delivery_pending_idx (src/db/sql/delivery-counts.ts). Without the type in the
-- index, every pending delivery was a heap fetch to read it: on the history bench the account's
-- event-type page with its totals went from 6.0 ms at 20,000 stored to 15.5 ms at 5,000,000 (a
-- backlog of 40 → 10,000), the one read over 2x. With the type INCLUDEd, the count is an
-- index-only scan wherever the backlog's pages are all-visible (a held or paused backlog, which is
-- the one that grows). Writes pay nothing more: the same index entries, a few bytes wider, and only
-- for pending deliveries.
--
-- The new index is built before the old one goes, so no read loses its index meanwhile. Building it
-- reads each weekly partition's heap once, under a lock that holds writes to delivery back for that
-- long, once, at the service's start: 0.13-0.14 s for 1,000,000 stored deliveries whose heap is in
-- memory (2-core VM, Postgres 18), plus the heap's read from disk when it is not.
CREATE INDEX delivery_pending_type_idx ON delivery (endpoint_id, id) INCLUDE (event_type) WHERE (status = 'PENDING'::delivery_status);
DROP INDEX delivery_pending_idx;
ALTER INDEX delivery_pending_type_idx RENAME TO delivery_pending_idx;
