-- Portal sessions (issue 17): a link that opens one account's dashboard. The link's token is
-- exchanged once (exchanged_at) for a session credential; only SHA-256 hashes of both are stored.
-- The session acts for the account until expires_at or revoked_at, read-only or with features off.
CREATE TABLE "portal_session" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "session_hash" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "read_only" BOOLEAN NOT NULL DEFAULT false,
    "features" JSONB NOT NULL DEFAULT '{}',
    "theme" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "exchanged_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "portal_session_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "portal_session_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "portal_session_token_hash_key" ON "portal_session"("token_hash");
CREATE UNIQUE INDEX "portal_session_session_hash_key" ON "portal_session"("session_hash");
CREATE INDEX "portal_session_account_id_idx" ON "portal_session"("account_id");
