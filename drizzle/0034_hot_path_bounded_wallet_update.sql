-- Decision 0045 (issue 14): the counters' UPDATE in fidelis_post_credits joined the credited wallets
-- to `wallets` on (program, id) with no bound of its own. With statistics older than the program's
-- wallets (autovacuum off or behind; wallets are created as members first earn), the planner hashed
-- every wallet of the program on each call: 8,000 rows read to update one. It is now bounded by the
-- ids of the wallets the function has just locked. Nothing else changes.
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
  -- Bounded by the wallets locked above: joined on id alone, a plan made with stale statistics
  -- hashed every wallet of the program (decision 0045).
  WHERE t.program_id = p_program AND t.id = ANY (v_ids) AND t.id = d.wallet_id;
END;
$$;
