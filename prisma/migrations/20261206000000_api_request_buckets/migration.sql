-- Requests per API key, shared by every API process: one token bucket per key (src/db/sql/api-requests.ts).
-- UNLOGGED: a bucket is worth nothing after a crash (it only starts full again), so its many small
-- updates write no WAL.
CREATE UNLOGGED TABLE "api_request_bucket" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "refilled_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "api_request_bucket_pkey" PRIMARY KEY ("key")
);

-- Takes up to p_want requests from the bucket of p_key, refilled at p_per_second up to p_burst since
-- it was last touched; a key's first call finds it full. Returns how many it granted (0 when the
-- bucket holds less than one) and, when none, the seconds until one is there. The row lock makes the
-- callers of one key, in every process, take turns, so no two grant the same request.
CREATE FUNCTION hookwire_take_api_requests(p_key TEXT, p_want INTEGER, p_per_second DOUBLE PRECISION, p_burst DOUBLE PRECISION)
RETURNS TABLE (granted INTEGER, wait_seconds DOUBLE PRECISION)
LANGUAGE plpgsql AS $$
DECLARE
  v_tokens DOUBLE PRECISION;
  v_refilled_at TIMESTAMPTZ;
  v_now TIMESTAMPTZ;
BEGIN
  SELECT b.tokens, b.refilled_at INTO v_tokens, v_refilled_at FROM api_request_bucket b WHERE b.key = p_key FOR UPDATE;
  IF NOT FOUND THEN
    -- Two first calls at once: one inserts, the other waits for it and then locks its row.
    INSERT INTO api_request_bucket (key, tokens, refilled_at) VALUES (p_key, p_burst, clock_timestamp()) ON CONFLICT (key) DO NOTHING;
    SELECT b.tokens, b.refilled_at INTO v_tokens, v_refilled_at FROM api_request_bucket b WHERE b.key = p_key FOR UPDATE;
  END IF;
  -- Read after the lock: time spent waiting for it counts as refill, never as negative time.
  v_now := greatest(clock_timestamp(), v_refilled_at);
  v_tokens := least(p_burst, v_tokens + p_per_second * extract(epoch FROM v_now - v_refilled_at)::DOUBLE PRECISION);
  granted := least(p_want, floor(v_tokens))::INTEGER;
  v_tokens := v_tokens - granted;
  UPDATE api_request_bucket SET tokens = v_tokens, refilled_at = v_now WHERE key = p_key;
  wait_seconds := CASE WHEN granted > 0 THEN 0 ELSE (1 - v_tokens) / p_per_second END;
  RETURN NEXT;
END
$$;
