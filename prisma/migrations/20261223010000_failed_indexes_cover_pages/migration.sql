-- The FAILED deliveries' indexes carry what a page of them filters on.
--
-- A FAILED page (src/db/sql/deliveries.ts STATUS_PAGES) reads its ids from the status's partial
-- index and filters them by account, event type and `since`'s moment: columns of the row, so each
-- failure the walk passed was a heap fetch, one page of the heap each (failures are scattered
-- through it). For one event type that is every failure of the other types on the way: the busy
-- endpoint's FAILED page of message.received at 1,000,000 stored read 1,077 buffers, 11.3 ms over
-- GraphQL. With those columns INCLUDEd the walk is an index-only scan of all-visible weeks: 19
-- buffers, 5.1 ms. Only failed deliveries are in these indexes, so the hot path writes nothing
-- more; the rebuild reads the heap once (0.14 s for 1,000,000 deliveries in memory).
CREATE INDEX delivery_failed_cover_idx ON delivery (endpoint_id, id) INCLUDE (account_id, event_type, created_at)
  WHERE (status = 'FAILED'::delivery_status);
DROP INDEX delivery_failed_idx;
ALTER INDEX delivery_failed_cover_idx RENAME TO delivery_failed_idx;

CREATE INDEX delivery_account_failed_cover_idx ON delivery (account_id, id) INCLUDE (endpoint_id, event_type, created_at)
  WHERE (status = 'FAILED'::delivery_status);
DROP INDEX delivery_account_failed_idx;
ALTER INDEX delivery_account_failed_cover_idx RENAME TO delivery_account_failed_idx;
