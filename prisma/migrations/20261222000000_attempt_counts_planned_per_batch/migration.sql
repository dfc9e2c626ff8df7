-- The attempt counters' trigger looks its attempts' deliveries up with a plan made for each batch.
--
-- Before, PL/pgSQL planned its statement once per connection and kept that plan: a statement with
-- no parameters is never planned again until a table it reads is analyzed or altered. A worker that
-- started beside an empty week's partition (a new database, or Monday's new partition before
-- autovacuum first analyzed it) kept a hash join over a sequential scan of the whole partition,
-- the right plan for a few hundred rows, and ran it for every batch of attempts as the partition
-- grew: on the bench's end-to-end run, 228 of 231 batches scanned it, 2.5 million rows read to
-- count 30,000 attempts. EXECUTE plans each batch's statement for the partition's size and the
-- batch's own number of rows (a transition table's count is known), which finds each delivery
-- by its primary key; the planning costs a fraction of a millisecond per batch.
CREATE OR REPLACE FUNCTION hookwire_count_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE $q$
    INSERT INTO attempt_hour_count AS c (endpoint_id, hour, attempts, succeeded)
    SELECT d.endpoint_id, hookwire_hour(a.started_at), count(*), count(*) FILTER (WHERE a.outcome = 'SUCCESS')
    FROM new_rows a JOIN delivery d ON d.id = a.delivery_id
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (endpoint_id, hour) DO UPDATE
      SET attempts = c.attempts + excluded.attempts, succeeded = c.succeeded + excluded.succeeded$q$;
  RETURN NULL;
END $$;
