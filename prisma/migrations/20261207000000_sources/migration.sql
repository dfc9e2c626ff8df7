-- Sources (issue 18): where events come from besides publishEvent. An HTTP source has a public
-- ingest URL (/ingest/<id>); its secrets (Meta's app secret and verify token, a signed sender's
-- signing secret) are stored sealed (db/sealer.ts), never in clear.
CREATE TYPE "source_kind" AS ENUM ('WHATSAPP_CLOUD', 'SIGNED_HTTP');
CREATE TYPE "source_status" AS ENUM ('ACTIVE', 'PAUSED', 'DISCONNECTED');

CREATE TABLE "source" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "kind" "source_kind" NOT NULL,
    "name" TEXT NOT NULL,
    "status" "source_status" NOT NULL DEFAULT 'ACTIVE',
    "app_secret" TEXT,
    "verify_token" TEXT,
    "signing_secret" TEXT,
    "signature_header" JSONB,
    "event_type" TEXT,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "source_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "source_account_id_id_idx" ON "source"("account_id", "id");

-- What each source was sent, newest kept: at most 100 rows a source (src/db/sql/sources.ts trims
-- as it records), so a flood of refused requests cannot grow the table.
CREATE TABLE "source_request" (
    "id" BIGSERIAL NOT NULL,
    "source_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "status" INTEGER NOT NULL,
    "error" TEXT,
    "events" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "source_request_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "source_request_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "source_request_source_id_id_idx" ON "source_request"("source_id", "id" DESC);
