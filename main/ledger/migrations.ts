/**
 * The ledger schema as an ordered list of migrations; `PRAGMA user_version` is the number applied.
 * Append new migrations, never edit shipped ones.
 *
 * Money columns are TEXT holding base-10 integer strings (atomic units, or micro-USD in the `usd`
 * budget unit): amounts can exceed SQLite's 64-bit integers. Timestamps are INTEGER milliseconds
 * since the Unix epoch. There is no column for a credential, signature, Shared Payment Token or key.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE payments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('requested','approved','declined','signed','settled','failed','unconfirmed')),
    host TEXT NOT NULL,
    upstream TEXT NOT NULL,
    realm TEXT,
    operation TEXT NOT NULL CHECK (operation IN ('tools/call','resources/read','prompts/get')),
    target TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    arguments_preview TEXT,
    challenge_id TEXT,
    method TEXT,
    intent TEXT,
    amount_atomic TEXT,
    currency TEXT,
    decimals INTEGER,
    symbol TEXT,
    recipient TEXT,
    chain_id INTEGER,
    budget_unit TEXT,
    budget_amount TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    decision TEXT CHECK (decision IN ('approved','declined')),
    decided_by TEXT,
    decided_at INTEGER,
    decline_reason TEXT,
    receipt_reference TEXT,
    error TEXT,
    settled_at INTEGER
  );
  -- Budget sums: reserving rows of one unit within a period.
  CREATE INDEX payments_budget ON payments (budget_unit, decided_at)
    WHERE state IN ('approved','signed','settled','unconfirmed');
  -- Loop breaker: the same call paid recently.
  CREATE INDEX payments_loop ON payments (arguments_hash, decided_at) WHERE decision = 'approved';
  -- First-time checks: has this server or recipient ever been approved?
  CREATE INDEX payments_seen_upstream ON payments (upstream) WHERE decision = 'approved';
  CREATE INDEX payments_seen_recipient ON payments (lower(recipient)) WHERE decision = 'approved';
  CREATE INDEX payments_state ON payments (state);

  CREATE TABLE rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    kind TEXT NOT NULL CHECK (kind IN ('auto_approve','limit')),
    upstream TEXT,
    operation TEXT CHECK (operation IN ('tools/call','resources/read','prompts/get')),
    target TEXT,
    host TEXT,
    unit TEXT NOT NULL,
    amount TEXT NOT NULL,
    label TEXT,
    CHECK ((operation IS NULL) = (target IS NULL)),
    CHECK (target IS NULL OR upstream IS NOT NULL)
  );

  CREATE TABLE budgets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER,
    period TEXT NOT NULL CHECK (period IN ('day','week','month')),
    upstream TEXT,
    operation TEXT CHECK (operation IN ('tools/call','resources/read','prompts/get')),
    target TEXT,
    host TEXT,
    unit TEXT NOT NULL,
    amount TEXT NOT NULL,
    label TEXT,
    CHECK ((operation IS NULL) = (target IS NULL)),
    CHECK (target IS NULL OR upstream IS NOT NULL)
  );

  CREATE TABLE leases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    upstream TEXT NOT NULL,
    operation TEXT CHECK (operation IN ('tools/call','resources/read','prompts/get')),
    target TEXT,
    host TEXT,
    unit TEXT NOT NULL,
    amount TEXT NOT NULL,
    spent TEXT NOT NULL DEFAULT '0',
    CHECK ((operation IS NULL) = (target IS NULL))
  );

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  -- What each budget has reserved per period, kept in step with the payment rows so a decision
  -- costs O(budgets) instead of a sum over the period's payments. Seeded from that sum on first use.
  CREATE TABLE budget_usage (
    budget_id INTEGER NOT NULL REFERENCES budgets (id),
    period_start INTEGER NOT NULL,
    used TEXT NOT NULL,
    PRIMARY KEY (budget_id, period_start)
  ) WITHOUT ROWID;
  `,
  `
  -- The lease a payment is charged to: the lease that approved it, or the one a human granted
  -- while approving it (that payment counts against the lease, but was decided by the human).
  ALTER TABLE payments ADD COLUMN lease_id INTEGER REFERENCES leases (id);
  UPDATE payments SET lease_id = CAST(substr(decided_by, 7) AS INTEGER) WHERE decided_by LIKE 'lease:%';
  `,
  `
  -- Only the rows left in flight are looked up by state (recovery at startup); indexing every row's
  -- state made each payment insert about a fifth slower. History filters by state scan, newest first.
  DROP INDEX IF EXISTS payments_state;
  CREATE INDEX IF NOT EXISTS payments_in_flight ON payments (state) WHERE state IN ('requested','approved','signed');
  `,
  `
  -- SQLite evaluates a list of more than two constants after IN by building a temporary b-tree,
  -- each time a statement runs: every payment insert built four (the state and operation checks,
  -- the budget and in-flight indexes' conditions), about half of its cost. The table is rebuilt
  -- with the same columns, rows and sequence, those value sets written as OR chains. Queries must
  -- repeat an index's condition as written here to use the index (Payments.reserving, Recovery).
  CREATE TABLE payments_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state = 'requested' OR state = 'approved' OR state = 'declined' OR state = 'signed'
      OR state = 'settled' OR state = 'failed' OR state = 'unconfirmed'),
    host TEXT NOT NULL,
    upstream TEXT NOT NULL,
    realm TEXT,
    operation TEXT NOT NULL CHECK (operation = 'tools/call' OR operation = 'resources/read' OR operation = 'prompts/get'),
    target TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    arguments_preview TEXT,
    challenge_id TEXT,
    method TEXT,
    intent TEXT,
    amount_atomic TEXT,
    currency TEXT,
    decimals INTEGER,
    symbol TEXT,
    recipient TEXT,
    chain_id INTEGER,
    budget_unit TEXT,
    budget_amount TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    decision TEXT CHECK (decision IN ('approved','declined')),
    decided_by TEXT,
    decided_at INTEGER,
    decline_reason TEXT,
    receipt_reference TEXT,
    error TEXT,
    settled_at INTEGER,
    lease_id INTEGER REFERENCES leases (id)
  );
  INSERT INTO payments_rebuilt (id, created_at, updated_at, state, host, upstream, realm, operation, target, arguments_hash,
      arguments_preview, challenge_id, method, intent, amount_atomic, currency, decimals, symbol, recipient, chain_id, budget_unit,
      budget_amount, flags, description, decision, decided_by, decided_at, decline_reason, receipt_reference, error, settled_at, lease_id)
    SELECT id, created_at, updated_at, state, host, upstream, realm, operation, target, arguments_hash,
      arguments_preview, challenge_id, method, intent, amount_atomic, currency, decimals, symbol, recipient, chain_id, budget_unit,
      budget_amount, flags, description, decision, decided_by, decided_at, decline_reason, receipt_reference, error, settled_at, lease_id
    FROM payments ORDER BY id;
  DELETE FROM sqlite_sequence WHERE name = 'payments_rebuilt';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'payments_rebuilt', seq FROM sqlite_sequence WHERE name = 'payments';
  DROP TABLE payments;
  ALTER TABLE payments_rebuilt RENAME TO payments;
  CREATE INDEX payments_budget ON payments (budget_unit, decided_at)
    WHERE state = 'approved' OR state = 'signed' OR state = 'settled' OR state = 'unconfirmed';
  CREATE INDEX payments_in_flight ON payments (state) WHERE state = 'requested' OR state = 'approved' OR state = 'signed';
  CREATE INDEX payments_loop ON payments (arguments_hash, decided_at) WHERE decision = 'approved';
  CREATE INDEX payments_seen_upstream ON payments (upstream) WHERE decision = 'approved';
  CREATE INDEX payments_seen_recipient ON payments (lower(recipient)) WHERE decision = 'approved';
  `,
  `
  -- One decision, one payment; confirmed means the chain (or Stripe) says so. New states: \`sent\`
  -- (the credential reached the server, which did not accept it: checking that nothing moved),
  -- \`accepted\` (the server sent a receipt: checking the chain), \`confirmed\` (the chain or Stripe
  -- shows the payment); \`settled\` rows, which only a server's receipt vouched for, become
  -- \`accepted\` and are checked again. New columns: the round of the payment within its host
  -- request and the payment of the round before; what the credential committed to (public parts
  -- only: a nonce, a transaction hash) for the checks; the network fee the wallet paid; the amount
  -- that actually moved and the transaction that moved it. \`budget_amount\` is now what the payment
  -- holds against budgets: its amount (as confirmed) plus its fee (an upper bound until confirmed).
  -- Rules may name a recipient. A recipient counts as known per server.
  CREATE TABLE payments_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state = 'requested' OR state = 'approved' OR state = 'declined' OR state = 'signed'
      OR state = 'sent' OR state = 'accepted' OR state = 'confirmed' OR state = 'failed' OR state = 'unconfirmed'),
    host TEXT NOT NULL,
    upstream TEXT NOT NULL,
    realm TEXT,
    operation TEXT NOT NULL CHECK (operation = 'tools/call' OR operation = 'resources/read' OR operation = 'prompts/get'),
    target TEXT NOT NULL,
    arguments_hash TEXT NOT NULL,
    arguments_preview TEXT,
    challenge_id TEXT,
    method TEXT,
    intent TEXT,
    amount_atomic TEXT,
    currency TEXT,
    decimals INTEGER,
    symbol TEXT,
    recipient TEXT,
    chain_id INTEGER,
    budget_unit TEXT,
    budget_amount TEXT,
    flags TEXT NOT NULL DEFAULT '[]',
    description TEXT,
    decision TEXT CHECK (decision = 'approved' OR decision = 'declined'),
    decided_by TEXT,
    decided_at INTEGER,
    decline_reason TEXT,
    receipt_reference TEXT,
    error TEXT,
    accepted_at INTEGER,
    lease_id INTEGER REFERENCES leases (id),
    round INTEGER NOT NULL DEFAULT 1,
    previous_payment_id INTEGER REFERENCES payments (id),
    evidence TEXT,
    fee_atomic TEXT,
    fee_currency TEXT,
    fee_symbol TEXT,
    fee_decimals INTEGER,
    fee_estimated INTEGER NOT NULL DEFAULT 0,
    settled_amount_atomic TEXT,
    transaction_reference TEXT,
    confirmed_at INTEGER
  );
  INSERT INTO payments_rebuilt (id, created_at, updated_at, state, host, upstream, realm, operation, target, arguments_hash,
      arguments_preview, challenge_id, method, intent, amount_atomic, currency, decimals, symbol, recipient, chain_id, budget_unit,
      budget_amount, flags, description, decision, decided_by, decided_at, decline_reason, receipt_reference, error, accepted_at, lease_id)
    SELECT id, created_at, updated_at, CASE state WHEN 'settled' THEN 'accepted' ELSE state END, host, upstream, realm, operation, target,
      arguments_hash, arguments_preview, challenge_id, method, intent, amount_atomic, currency, decimals, symbol, recipient, chain_id,
      budget_unit, budget_amount, flags, description, decision, decided_by, decided_at, decline_reason, receipt_reference, error,
      settled_at, lease_id
    FROM payments ORDER BY id;
  DELETE FROM sqlite_sequence WHERE name = 'payments_rebuilt';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'payments_rebuilt', seq FROM sqlite_sequence WHERE name = 'payments';
  DROP TABLE payments;
  ALTER TABLE payments_rebuilt RENAME TO payments;
  CREATE INDEX payments_budget ON payments (budget_unit, decided_at)
    WHERE state = 'approved' OR state = 'signed' OR state = 'sent' OR state = 'accepted' OR state = 'confirmed' OR state = 'unconfirmed';
  CREATE INDEX payments_in_flight ON payments (state)
    WHERE state = 'requested' OR state = 'approved' OR state = 'signed' OR state = 'sent' OR state = 'accepted';
  CREATE INDEX payments_loop ON payments (arguments_hash, decided_at) WHERE decision = 'approved';
  CREATE INDEX payments_seen_upstream ON payments (upstream) WHERE decision = 'approved';
  CREATE INDEX payments_seen_recipient ON payments (upstream, lower(recipient)) WHERE decision = 'approved';
  CREATE INDEX payments_rounds ON payments (upstream, created_at) WHERE round > 1;
  ALTER TABLE rules ADD COLUMN recipient TEXT;
  `,
  `
  -- An edit makes a new rule or budget and removes the old one: the old one names its successor,
  -- so the history can say so and a removal can be undone without bringing back an edited row.
  ALTER TABLE rules ADD COLUMN replaced_by INTEGER REFERENCES rules (id);
  ALTER TABLE budgets ADD COLUMN replaced_by INTEGER REFERENCES budgets (id);
  `,
  `
  -- x402 beside MPP: the protocol each payment was asked in (every earlier row was MPP), and an
  -- x402 payment's scheme (\`exact\`, or \`upto\`, whose amount is the ceiling that was approved).
  ALTER TABLE payments ADD COLUMN protocol TEXT NOT NULL DEFAULT 'mpp' CHECK (protocol = 'mpp' OR protocol = 'x402');
  ALTER TABLE payments ADD COLUMN scheme TEXT;
  `,
  `
  -- Prices known before a call, advisory only (what is paid is always the live challenge): per
  -- server and call, one row per source (the server's discovery document, a challenge it sent, an
  -- x402 \`accepts\` seen), with when it was seen. \`amount_atomic\` NULL is a price set per call;
  -- \`currency\` is the registry's key when the registry knows it (then \`symbol\`, \`decimals\` and
  -- the budget columns come from the registry), else what the server wrote.
  CREATE TABLE prices (
    upstream TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation = 'tools/call' OR operation = 'resources/read' OR operation = 'prompts/get'),
    target TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source = 'discovery' OR source = 'challenge' OR source = 'x402'),
    method TEXT,
    intent TEXT,
    amount_atomic TEXT,
    currency TEXT NOT NULL,
    symbol TEXT,
    decimals INTEGER,
    budget_unit TEXT,
    budget_amount TEXT,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (upstream, operation, target, source)
  ) WITHOUT ROWID;
  -- The last look at each server's discovery document: when, and what it found.
  CREATE TABLE discovery_checks (
    upstream TEXT PRIMARY KEY,
    checked_at INTEGER NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome = 'found' OR outcome = 'none' OR outcome = 'ignored'),
    problem TEXT
  ) WITHOUT ROWID;
  -- The user's choices per server: prices in the agent's tool list, the read-only status tool.
  CREATE TABLE server_settings (
    upstream TEXT PRIMARY KEY,
    describe_prices INTEGER,
    status_tool INTEGER,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- What the user was warned about (a low balance, a payment short of funds, a failing card): one
  -- active row per kind and subject, cleared when the cause is gone. Logged, never deleted.
  CREATE TABLE warnings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind = 'low_balance' OR kind = 'insufficient_funds' OR kind = 'card'),
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    action TEXT,
    data TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    cleared_at INTEGER
  );
  CREATE UNIQUE INDEX warnings_active ON warnings (kind, subject) WHERE cleared_at IS NULL;
  -- A balance below which the user is warned, per token (atomic units); none: the default.
  CREATE TABLE balance_thresholds (
    currency TEXT PRIMARY KEY,
    amount TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- Tempo session channels the wallet opened: one row per channel, from the moment its open
  -- transaction is signed (state opening) until the escrow shows it closed. \`deposit\` is what the
  -- escrow holds (while opening: what the open transaction locks); \`cumulative\` the highest voucher
  -- signed, never lowered; a top-up sent but not yet seen on chain waits in \`top_up\`. A pending
  -- transaction cannot land after \`valid_before\` (Tempo expiring nonce), which is how a restart
  -- tells a lost one from one still in flight. Amounts are atomic units of \`currency\`.
  CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    upstream TEXT NOT NULL,
    chain_id INTEGER NOT NULL,
    escrow TEXT NOT NULL,
    asset TEXT NOT NULL,
    currency TEXT NOT NULL,
    payer TEXT NOT NULL,
    payee TEXT NOT NULL,
    salt TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state = 'opening' OR state = 'open' OR state = 'closing' OR state = 'closed' OR state = 'abandoned'),
    deposit TEXT NOT NULL,
    cumulative TEXT NOT NULL,
    top_up TEXT,
    top_up_transaction TEXT,
    top_up_payment_id INTEGER,
    valid_before INTEGER,
    open_payment_id INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    close_requested_at INTEGER,
    settled TEXT,
    refund TEXT,
    close_transaction TEXT,
    close_fee TEXT,
    closed_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX channels_live ON channels (upstream, state);
  `,
  `
  -- What a row asks of the wallet: \`payment\` (money moves), \`proof\` (a zero-amount challenge
  -- answered with a signature that reveals the wallet's address; nothing moves) or \`subscription\`
  -- (an authorization for the server to charge every period; the row is its first charge).
  ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind = 'payment' OR kind = 'proof' OR kind = 'subscription');
  -- "Share my address with <server>": the user's standing answer to a server's identity proofs.
  -- Apart from the payment rules on purpose: no payment rule or lease ever covers a proof, and no
  -- share covers a payment. Removing one keeps its row (history names it as \`share:<id>\`).
  CREATE TABLE address_shares (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    upstream TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
  );
  CREATE UNIQUE INDEX address_shares_upstream ON address_shares (upstream) WHERE deleted_at IS NULL;
  -- Subscriptions the human approved: the terms the wallet authorized (amount per period, until
  -- \`expires_at\`), the payment row of their first charge, and when the user cancelled. A server's
  -- later challenge is held to these terms: a higher amount or a shorter period asks again.
  CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id INTEGER NOT NULL REFERENCES payments (id),
    upstream TEXT NOT NULL,
    recipient TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount_atomic TEXT NOT NULL,
    period_count INTEGER NOT NULL,
    period_unit TEXT NOT NULL,
    period_seconds INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    access_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- What cancelling did beyond the ledger (the access key revoked on chain, or why not).
    cancel_outcome TEXT
  );
  CREATE INDEX subscriptions_upstream ON subscriptions (upstream);
  `,
]
