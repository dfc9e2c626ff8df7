-- A batch of attempts recorded in one statement committed on its own (no BEGIN/COMMIT around it:
-- two of a batch's three round trips) unless it changes an endpoint's health: endpoint.failing and
-- endpoint.recovered must commit with the attempts that cause them, so such a batch is refused,
-- rolled back whole, and recorded again in a transaction that announces them (src/worker/recorder.ts).
-- The recording statement calls this when it finds transitions (see RECORD_ATTEMPTS, `alone`).
CREATE FUNCTION "hookwire_announce_in_transaction"() RETURNS BOOLEAN
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'this batch of attempts changes an endpoint''s health: record it in the transaction that announces it'
    USING ERRCODE = 'HWA01';
END $$;
