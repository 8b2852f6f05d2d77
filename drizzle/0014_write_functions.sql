-- Decision 0020: the hot path's writes as one statement each (issue 14, stage 2b).
--
-- fidelis_post_credits (the ledger's): credits with fresh keys, in the order given — the member
-- wallets created if missing (in (owner, unit) order) and locked (in id order), the system wallets
-- they are issued from created if missing, then entries, counters (each posted credit settles the
-- wallet's debt first, in order), lots and balanced postings, each one set-based statement.
-- p_wallets: [{id, owner, unit}] one per (owner, unit), id used only when the wallet is created;
-- p_systems: [{id, code, unit}] likewise; p_credits: [{ord, id, key, print, type, pending, owner,
-- account, contact, unit, amount, reason, sourceType, sourceId, explanation, resolveBy, expiresAt,
-- actor, effectiveAt, source, lot}].
CREATE OR REPLACE FUNCTION fidelis_post_credits(p_program text, p_wallets jsonb, p_systems jsonb, p_credits jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_ids text[];
BEGIN
  INSERT INTO wallets (program_id, id, account_id, unit)
    SELECT p_program, w.id, w.owner, w.unit
    FROM jsonb_to_recordset(p_wallets) AS w(id text, owner text, unit text)
    ORDER BY w.owner, w.unit
    ON CONFLICT DO NOTHING;
  -- Each wallet found by its own key (LATERAL … LIMIT 1: one index probe a wallet, whatever the
  -- statistics say about the program's size), then all locked in id order.
  SELECT array_agg(t.id) INTO v_ids
    FROM jsonb_to_recordset(p_wallets) AS w(id text, owner text, unit text)
    CROSS JOIN LATERAL (
      SELECT m.id FROM wallets m
      WHERE m.program_id = p_program AND m.account_id = w.owner AND m.unit = w.unit LIMIT 1) t;
  PERFORM 1 FROM wallets t
    WHERE t.program_id = p_program AND t.id = ANY (v_ids)
    ORDER BY t.id
    FOR UPDATE;
  INSERT INTO wallets (program_id, id, system_code, unit)
    SELECT p_program, s.id, s.code, s.unit
    FROM jsonb_to_recordset(p_systems) AS s(id text, code text, unit text)
    ORDER BY s.code, s.unit
    ON CONFLICT DO NOTHING;

  WITH c AS (
    SELECT x.*, t.id AS wallet_id, t.debt AS wallet_debt, sw.id AS source_wallet
    FROM jsonb_to_recordset(p_credits) AS x(
      ord int, id text, key text, print text, type text, pending boolean, owner text, account text,
      contact text, unit text, amount bigint, reason text, "sourceType" text, "sourceId" text,
      explanation text, "resolveBy" timestamptz, "expiresAt" timestamptz, actor text,
      "effectiveAt" timestamptz, source text, lot text)
    CROSS JOIN LATERAL (
      SELECT m.id, m.debt FROM wallets m
      WHERE m.program_id = p_program AND m.account_id = x.owner AND m.unit = x.unit LIMIT 1) t
    CROSS JOIN LATERAL (
      SELECT m.id FROM wallets m
      WHERE m.program_id = p_program AND m.system_code = x.source AND m.unit = x.unit LIMIT 1) sw
  ),
  -- What each posted credit settles of the debt: the part of the wallet's debt that the credits
  -- before it (in order) had not settled yet.
  s AS (
    SELECT c.*,
      CASE WHEN c.pending THEN 0
        ELSE least(c.wallet_debt, sum(CASE WHEN c.pending THEN 0 ELSE c.amount END) OVER w)
           - least(c.wallet_debt, sum(CASE WHEN c.pending THEN 0 ELSE c.amount END) OVER w - c.amount)
      END AS settle
    FROM c WINDOW w AS (PARTITION BY c.wallet_id ORDER BY c.ord ROWS UNBOUNDED PRECEDING)
  ),
  entries AS (
    INSERT INTO ledger_entries (program_id, id, idempotency_key, fingerprint, type, phase, wallet_id,
      account_id, contact_id, unit, amount, reason_code, source_type, source_id, explanation,
      resolve_by, expires_at, actor, effective_at)
    SELECT p_program, s.id, s.key, s.print, s.type, CASE WHEN s.pending THEN 'pending' ELSE 'posted' END,
      s.wallet_id, s.account, s.contact, s.unit, s.amount, s.reason, s."sourceType", s."sourceId",
      s.explanation, s."resolveBy", s."expiresAt", s.actor, s."effectiveAt"
    FROM s ORDER BY s.ord
  ),
  lots AS (
    INSERT INTO ledger_lots (program_id, id, wallet_id, entry_id, amount, remaining, earned_at, expires_at)
    SELECT p_program, s.lot, s.wallet_id, s.id, s.amount - s.settle, s.amount - s.settle,
      s."effectiveAt", s."expiresAt"
    FROM s WHERE NOT s.pending AND s.amount > s.settle
  ),
  postings AS (
    INSERT INTO ledger_postings (program_id, entry_id, seq, wallet_id, unit, amount, effective_at)
    SELECT p_program, s.id, side.seq, CASE side.seq WHEN 0 THEN s.source_wallet ELSE s.wallet_id END,
      s.unit, CASE side.seq WHEN 0 THEN -s.amount ELSE s.amount END, s."effectiveAt"
    FROM s CROSS JOIN (VALUES (0), (1)) AS side(seq)
    WHERE NOT s.pending
  )
  UPDATE wallets t SET
    balance = t.balance + d.balance, pending = t.pending + d.pending, debt = t.debt - d.settled,
    lifetime_earned = t.lifetime_earned + d.earned, updated_at = now()
  FROM (
    SELECT s.wallet_id,
      sum(CASE WHEN s.pending THEN 0 ELSE s.amount - s.settle END) AS balance,
      sum(CASE WHEN s.pending THEN s.amount ELSE 0 END) AS pending,
      sum(s.settle) AS settled,
      sum(CASE WHEN NOT s.pending AND s.type = 'earn' THEN s.amount ELSE 0 END) AS earned
    FROM s GROUP BY s.wallet_id
  ) d
  WHERE t.program_id = p_program AND t.id = d.wallet_id;
END;
$$;
--> statement-breakpoint
-- fidelis_write_events (the events module's): earning events with their awards and the credits
-- those award, in one statement — the events first (a concurrent writer of the same external id
-- makes this wait and then fail on events_external_id_uq before any wallet is locked), then the
-- ledger's credits, then the awards. Answers the time the events were received (now()).
CREATE OR REPLACE FUNCTION fidelis_write_events(p_program text, p_events jsonb, p_awards jsonb,
  p_wallets jsonb, p_systems jsonb, p_credits jsonb)
RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (program_id, id, external_id, type, account_id, contact_id, occurred_at,
    currency, amount, base_currency, base_amount, fx_rate, items, "references", attributes,
    original_event_id, fingerprint, evaluation)
  SELECT p_program, e.id, e."externalId", e.type, e."accountId", e."contactId", e."occurredAt",
    e.currency, e.amount, e."baseCurrency", e."baseAmount", e."fxRate", e.items, e."references",
    e.attributes, e."originalEventId", e.fingerprint, e.evaluation
  FROM jsonb_to_recordset(p_events) AS e(id text, "externalId" text, type text, "accountId" text,
    "contactId" text, "occurredAt" timestamptz, currency text, amount text, "baseCurrency" text,
    "baseAmount" bigint, "fxRate" text, items jsonb, "references" jsonb, attributes jsonb,
    "originalEventId" text, fingerprint text, evaluation jsonb);
  IF jsonb_array_length(p_credits) > 0 THEN
    PERFORM fidelis_post_credits(p_program, p_wallets, p_systems, p_credits);
  END IF;
  INSERT INTO event_awards (program_id, event_id, seq, rule_id, rule_version, account_id, kind, unit,
    amount, occurred_at, entry_id)
  SELECT p_program, a."eventId", a.seq, a."ruleId", a."ruleVersion", a."accountId", a.kind, a.unit,
    a.amount, a."occurredAt", a."entryId"
  FROM jsonb_to_recordset(p_awards) AS a("eventId" text, seq int, "ruleId" text, "ruleVersion" int,
    "accountId" text, kind text, unit text, amount bigint, "occurredAt" timestamptz, "entryId" text);
  RETURN now();
END;
$$;
