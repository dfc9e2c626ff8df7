-- Broker sources (issue 19): a source that consumes a RabbitMQ queue, a JetStream durable consumer
-- or a Redis stream's consumer group instead of taking POSTs. The broker URL is stored sealed
-- (db/sealer.ts) beside its masked form, which is what the API shows. The worker that consumes a
-- source writes its state here (throttled): the API reads it, it never talks to the broker.
ALTER TYPE "source_kind" ADD VALUE 'RABBITMQ';
ALTER TYPE "source_kind" ADD VALUE 'NATS';
ALTER TYPE "source_kind" ADD VALUE 'REDIS_STREAM';

CREATE TYPE "source_broker_state" AS ENUM ('CONNECTED', 'RECONNECTING', 'ERROR');

ALTER TABLE "source"
    ADD COLUMN "broker_url" TEXT,
    ADD COLUMN "broker_url_display" TEXT,
    ADD COLUMN "queue" TEXT,
    ADD COLUMN "subject" TEXT,
    ADD COLUMN "stream" TEXT,
    ADD COLUMN "broker_state" "source_broker_state",
    ADD COLUMN "lag" BIGINT,
    ADD COLUMN "last_error_at" TIMESTAMPTZ(3),
    ADD COLUMN "state_at" TIMESTAMPTZ(3);

-- The source runner's change feed: a worker hears of a created, changed or deleted broker source at
-- once (it also re-reads the list every few seconds, in case it missed a notification).
CREATE FUNCTION "hookwire_source_changed"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('hookwire_sources', COALESCE(NEW.id, OLD.id));
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "source_added_or_removed" AFTER INSERT OR DELETE ON "source"
    FOR EACH ROW EXECUTE FUNCTION "hookwire_source_changed"();
-- Only what changes the consumer: not the state the worker itself writes every few seconds.
CREATE TRIGGER "source_changed" AFTER UPDATE ON "source"
    FOR EACH ROW WHEN (
      (OLD.status = 'PAUSED') IS DISTINCT FROM (NEW.status = 'PAUSED')
      OR OLD.broker_url IS DISTINCT FROM NEW.broker_url
      OR OLD.queue IS DISTINCT FROM NEW.queue
      OR OLD.subject IS DISTINCT FROM NEW.subject
      OR OLD.stream IS DISTINCT FROM NEW.stream)
    EXECUTE FUNCTION "hookwire_source_changed"();
