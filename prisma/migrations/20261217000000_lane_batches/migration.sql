-- Lanes given back in batches (issue 16, wide fan-out): one statement releases every lane a worker
-- finished together, instead of one hookwire_release_lane per lane. Same protocol (see
-- src/db/sql/lanes.ts): the lanes' bucket locks are taken EXCLUSIVELY, in bucket order (the order
-- hookwire_wake_lanes takes them shared, so the two never deadlock), and only then, in the snapshot
-- of a later statement, is each lane's soonest pending delivery read and its ready_at set, in one
-- set-based UPDATE. A lane whose token is stale (taken over) is not updated and not returned: a stale
-- token in a batch changes only its own lane, which is to say nothing.
CREATE FUNCTION "hookwire_release_lanes"(p_endpoint_ids TEXT[], p_worker TEXT, p_tokens BIGINT[], p_now TIMESTAMPTZ,
                                         p_not_before TIMESTAMPTZ[], p_rate_window_start TIMESTAMPTZ[], p_rate_count INTEGER[])
RETURNS TABLE (released_id TEXT, released_ready_at TIMESTAMPTZ)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_bucket INTEGER;
BEGIN
  FOR v_bucket IN SELECT DISTINCT hookwire_lane_bucket(e) FROM unnest(p_endpoint_ids) AS e ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(18551, v_bucket);
  END LOOP;
  -- A new statement: its snapshot sees every writer that held a bucket lock shared before us.
  RETURN QUERY
  WITH r AS (
    SELECT * FROM unnest(p_endpoint_ids, p_tokens, p_not_before, p_rate_window_start, p_rate_count)
      AS r(endpoint_id, token, not_before, rate_window_start, rate_count)
  ), n AS (
    SELECT r.*,
           CASE WHEN e.status <> 'ACTIVE' OR a.status <> 'ACTIVE' OR a.deleted_at IS NOT NULL THEN NULL
                WHEN e.ordered THEN (SELECT d.next_attempt_at FROM delivery d
                                     WHERE d.endpoint_id = r.endpoint_id AND d.status = 'PENDING' ORDER BY d.id LIMIT 1)
                ELSE (SELECT d.next_attempt_at FROM delivery d
                      WHERE d.endpoint_id = r.endpoint_id AND d.status = 'PENDING' AND d.next_attempt_at IS NOT NULL
                      ORDER BY d.next_attempt_at LIMIT 1)
           END AS next_at
    FROM r JOIN endpoint e ON e.id = r.endpoint_id JOIN account a ON a.id = e.account_id
  )
  UPDATE endpoint_lane l
  SET ready_at = CASE WHEN n.next_at IS NULL THEN NULL ELSE GREATEST(n.next_at, p_now, n.not_before) END,
      leased_by = NULL, lease_until = NULL, renewed_at = NULL,
      rate_window_start = n.rate_window_start, rate_count = n.rate_count
  FROM n
  WHERE l.endpoint_id = n.endpoint_id AND l.leased_by = p_worker AND l.lease_token = n.token
  RETURNING l.endpoint_id, l.ready_at;
END $$;
