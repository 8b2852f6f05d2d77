// The one list of stable error codes. Every failure a client can see carries one of these codes;
// docs/errors.md documents each (a test keeps the two in step).

export const ERROR_CATALOG = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The pagination cursor is not valid' },
  unauthenticated: { status: 401, title: 'An API key is required' },
  invalid_api_key: { status: 401, title: 'The API key is unknown or revoked' },
  insufficient_scope: { status: 403, title: "The API key's scopes do not allow this" },
  program_archived: { status: 403, title: 'The program is archived: its keys and sessions act no more' },
  own_program: { status: 409, title: 'An operator key cannot archive the program it belongs to' },
  invalid_credentials: { status: 401, title: 'The e-mail address or the password is wrong' },
  session_expired: { status: 401, title: 'The console session is unknown, ended or expired; sign in again' },
  csrf_token_invalid: { status: 403, title: 'The request needs the CSRF token of its console session' },
  portal_link_invalid: {
    status: 401,
    title: 'The portal link is unknown, used already, expired or of another portal; ask for a new one',
  },
  portal_session_expired: {
    status: 401,
    title: 'The portal session is unknown, ended or expired; open a new portal link',
  },
  portal_not_found: { status: 404, title: 'No portal has this address' },
  portal_company_forbidden: {
    status: 403,
    title: "The company view is only for the contact roles the program's portal settings name",
  },
  portal_slug_taken: { status: 409, title: "Another program's portal has this slug already" },
  portal_mail_sign_in_off: {
    status: 403,
    title:
      'This portal does not send sign-in links by e-mail (e-mail is not set up, or the program turned it off)',
  },
  portal_sign_in_rate_limited: {
    status: 429,
    title: 'Too many sign-in links asked for from this address or for this e-mail; wait before asking again',
  },
  sign_in_rate_limited: { status: 429, title: 'Too many failed sign-ins; wait before trying again' },
  user_email_taken: { status: 409, title: 'A console user with this e-mail address exists already' },
  user_not_found: { status: 404, title: 'No such console user' },
  role_above_own: {
    status: 403,
    title: 'Nobody may grant a role above their own, nor manage a user whose role is above it',
  },
  last_owner: { status: 409, title: 'The program must keep an enabled owner' },
  idempotency_key_required: { status: 400, title: 'This write needs an Idempotency-Key header' },
  not_found: { status: 404, title: 'No such resource' },
  account_not_found: { status: 404, title: 'No such account' },
  entry_not_found: { status: 404, title: 'No such ledger entry' },
  contact_not_found: { status: 404, title: 'No such contact' },
  contact_inactive: { status: 409, title: 'The contact is deactivated' },
  event_not_found: { status: 404, title: 'No such event' },
  rule_not_found: { status: 404, title: 'No such rule' },
  ladder_not_found: { status: 404, title: 'No such tier ladder' },
  override_not_found: { status: 404, title: 'The account has no tier override on this ladder' },
  reward_not_found: { status: 404, title: 'No such reward' },
  session_not_found: { status: 404, title: 'No such session of this reward' },
  survey_not_found: { status: 404, title: 'No such survey' },
  survey_link_invalid: { status: 404, title: 'This survey link is not valid' },
  unsubscribe_link_invalid: { status: 404, title: 'This unsubscribe link is not valid' },
  survey_already_answered: { status: 409, title: 'This survey was already answered by this contact' },
  survey_closed: { status: 409, title: 'This survey no longer takes answers' },
  redemption_not_found: { status: 404, title: 'No such redemption' },
  webhook_endpoint_not_found: { status: 404, title: 'No such webhook endpoint' },
  webhook_message_not_found: { status: 404, title: 'No such webhook message' },
  statement_period_open: { status: 409, title: 'The statement period has not ended yet' },
  charity_not_found: { status: 404, title: 'No such charity' },
  badge_not_found: { status: 404, title: 'No such badge' },
  challenge_not_found: { status: 404, title: 'No such challenge' },
  leaderboard_not_found: { status: 404, title: 'No such leaderboard' },
  badge_exists: { status: 409, title: 'The program already has a badge of this code' },
  challenge_exists: { status: 409, title: 'The program already has a challenge of this code' },
  leaderboard_exists: { status: 409, title: 'The program already has a leaderboard of this code' },
  challenge_invalid: { status: 422, title: 'The challenge document is not valid' },
  // engagement: opt-in challenges and lifecycle automations (decision 0025)
  challenge_not_opt_in: { status: 409, title: 'Every account in its audience takes part: nobody joins it' },
  challenge_not_eligible: { status: 422, title: "The account is not in the challenge's audience" },
  // engagement: contact challenges (decision 0061)
  // engagement: leaderboards over a challenge's progress (decision 0062)
  leaderboard_subject_mismatch: {
    status: 422,
    title: "A contact challenge's leaderboard ranks contacts, every other leaderboard accounts",
  },
  challenge_participant_mismatch: {
    status: 422,
    title: 'A contact challenge is joined and read by a contact, an account challenge by its account',
  },
  automation_not_found: { status: 404, title: 'No such automation' },
  automation_exists: { status: 409, title: 'The program already has an automation of this code' },
  automation_invalid: { status: 422, title: 'The automation document is not valid' },
  // engagement: rewards owed (decision 0053)
  reward_owed_not_found: { status: 404, title: 'No completion or firing of this key owes a catalog reward' },
  reward_still_unavailable: {
    status: 409,
    title: 'The owed reward still cannot be issued (out of stock, archived or gone): nothing was written',
  },
  reward_owed_settled: { status: 409, title: 'The owed reward was issued or waived already' },
  // Partners (decision 0026)
  referral_program_not_found: { status: 404, title: 'No such referral program' },
  referral_program_exists: { status: 409, title: 'The program already has a referral program of this code' },
  referral_program_invalid: { status: 422, title: 'The referral program is not valid' },
  referral_code_not_found: { status: 404, title: 'No such referral code' },
  referral_code_taken: { status: 409, title: 'The program already has this referral code' },
  referrer_not_found: { status: 404, title: 'No account to be the referrer' },
  referral_program_required: {
    status: 422,
    title: 'Name the referral program: the program has not exactly one active referral program',
  },
  referral_code_inactive: { status: 409, title: 'The referral code or its referral program is deactivated' },
  referral_not_found: { status: 404, title: 'No such referral' },
  referral_exists: { status: 409, title: 'The account was already referred (first touch wins)' },
  referral_refused: {
    status: 422,
    title: 'The referral is refused (a fraud guard or the attribution window)',
  },
  referral_state_conflict: { status: 409, title: 'The referral is not in a state that allows this' },
  claim_not_found: { status: 404, title: 'No such sales claim' },
  claim_duplicate: { status: 409, title: 'A sales claim of this invoice number exists already' },
  claim_state_conflict: { status: 409, title: 'The sales claim is not in a state that allows this' },
  claim_approver_not_allowed: { status: 403, title: 'Whoever submitted a claim cannot decide on it' },
  // Commissions and payout runs (decision 0032)
  commission_plan_not_found: { status: 404, title: 'No such commission plan' },
  commission_plan_exists: { status: 409, title: 'The program already has a commission plan of this code' },
  commission_plan_invalid: { status: 422, title: 'The commission plan is not valid' },
  commission_partner_not_found: { status: 404, title: 'The account is on no commission plan' },
  commission_sweep_skip_not_found: { status: 404, title: 'The commission sweep skipped no such event' },
  commission_sweep_retry_failed: {
    status: 409,
    title: 'The skipped event failed again; it stays skipped',
  },
  payout_run_not_found: { status: 404, title: 'No such payout run' },
  payout_run_invalid: { status: 422, title: 'The payout run cannot be proposed as asked' },
  payout_run_exists: { status: 409, title: 'The period has a payout run already (a period is paid once)' },
  payout_run_state_conflict: { status: 409, title: 'The payout run is not in a state that allows this' },
  payout_run_approver_not_allowed: { status: 403, title: 'Whoever proposed a payout run cannot approve it' },
  payout_not_found: { status: 404, title: 'No such payout in this run' },
  payout_state_conflict: { status: 409, title: 'The payout cannot move to this status from its present one' },
  approver_not_allowed: { status: 403, title: 'This approver may not decide on this redemption' },
  already_approved: { status: 409, title: 'This redemption was already approved (by this approver)' },
  redemption_state_conflict: { status: 409, title: 'The redemption is not in a state that allows this' },
  out_of_stock: { status: 409, title: 'The reward has no stock, code or place left' },
  duplicate_codes: { status: 409, title: 'Some codes exist already or appear twice; nothing was imported' },
  reward_not_available: { status: 422, title: 'The reward is not available now' },
  reward_not_eligible: { status: 422, title: 'The account or contact is not eligible for this reward' },
  redemption_limit_reached: { status: 422, title: 'The redemption limit of this reward is reached' },
  charity_not_active: { status: 422, title: 'The charity no longer accepts donations' },
  plan_not_found: { status: 404, title: 'No such membership plan' },
  membership_not_found: { status: 404, title: 'No such membership' },
  grant_not_found: { status: 404, title: 'No such entitlement grant' },
  entitlement_not_held: {
    status: 404,
    title: 'The account holds no such entitlement through a membership now',
  },
  entitlement_uses_exhausted: { status: 409, title: "The entitlement's uses of this term are used up" },
  membership_condition_unmet: {
    status: 422,
    title: "The account does not meet the plan's condition (minimum spend or tier)",
  },
  parent_not_found: { status: 422, title: 'The parent account does not exist' },
  idempotency_key_in_flight: {
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
  },
  entry_not_open: { status: 409, title: 'The entry is not a pending credit or hold that is still open' },
  external_id_taken: { status: 409, title: 'Another account already has this externalId' },
  email_taken: { status: 409, title: 'Another contact already has this email' },
  membership_exists: {
    status: 409,
    title: 'The account already has a pending or active membership of this plan',
  },
  membership_not_pending: { status: 409, title: 'Only a pending membership can be approved or rejected' },
  membership_ended: { status: 409, title: 'The membership has already ended' },
  plan_in_use: { status: 409, title: 'The plan has memberships and cannot be deleted; archive it instead' },
  relationship_cycle: { status: 422, title: 'The relationship would make a manages cycle' },
  relationship_exists: { status: 409, title: 'The accounts already have this relationship, not ended' },
  relationship_ended: { status: 409, title: 'The relationship has ended already' },
  relationship_not_found: { status: 404, title: 'No such relationship' },
  hierarchy_cycle: { status: 422, title: 'The parent would make the account its own ancestor' },
  hierarchy_too_deep: { status: 422, title: 'The account hierarchy would be too deep' },
  insufficient_balance: { status: 422, title: 'The wallet does not hold enough available units' },
  entry_not_reversible: { status: 422, title: 'This entry cannot be reversed' },
  reversal_exceeds_entry: { status: 422, title: 'The reversal is larger than what is left of the entry' },
  transfer_not_allowed: { status: 422, title: "The program's transfer policy does not allow this transfer" },
  joining_condition_unmet: { status: 422, title: "The joining evidence does not meet the plan's condition" },
  plan_archived: { status: 422, title: 'The plan is archived: nobody can join it any more' },
  idempotency_key_reused: { status: 422, title: 'The Idempotency-Key was used with a different request' },
  event_type_exists: { status: 409, title: 'The program already has an event type of this name' },
  event_type_unknown: {
    status: 422,
    title: 'The event type is neither built in nor registered by the program',
  },
  event_attributes_invalid: { status: 422, title: "The event's attributes do not match its type's schema" },
  event_id_reused: { status: 422, title: 'The event id was already used for a different event' },
  event_in_future: { status: 422, title: 'The event occurs too far in the future' },
  currency_unsupported: { status: 422, title: 'The currency is not an ISO 4217 currency' },
  amount_precision: { status: 422, title: 'The amount has more decimals than its currency' },
  fx_rate_missing: { status: 422, title: 'No exchange rate into the base currency is in force at that time' },
  original_event_not_found: { status: 422, title: 'The event this return refers to was not ingested' },
  return_not_allowed: { status: 422, title: 'This return cannot apply to the event it refers to' },
  rule_invalid: { status: 422, title: 'The rule document is not valid' },
  backtest_too_large: { status: 422, title: 'Too many events to backtest at once' },
  ladder_invalid: { status: 422, title: 'The tier ladder document is not valid' },
  override_invalid: { status: 422, title: 'The tier override is not valid' },
  import_invalid_rows: { status: 422, title: 'The file has invalid rows; nothing was imported' },
  import_malformed_csv: { status: 400, title: 'The file is not readable CSV' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body has an unsupported content type' },
  internal_error: { status: 500, title: 'An unexpected error occurred' },
  rate_limited: { status: 429, title: 'Too many requests for this API key; slow down' },
  store_unavailable: { status: 503, title: 'The store is not reachable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface FieldError {
  /** JSON pointer of the offending field (`/parentId`), or a CSV column name. */
  path: string;
  message: string;
  /** CSV line number, for file imports. */
  line?: number;
}

/**
 * A failure that names the input fields at fault, each by a JSON pointer into the *service's* input
 * (`contactId`, `lines/0/sku`). Services speak the domain: the HTTP layer places these pointers in
 * the request (`/body/contactId`, or the part the route names with `config.fieldsIn`).
 */
export function fieldError(
  code: ErrorCode,
  detail: string,
  fields: Record<string, string>,
  extra: Record<string, unknown> = {},
): FidelisError {
  const errors: FieldError[] = Object.entries(fields).map(([field, message]) => ({
    path: `/${field.replace(/^\//, '')}`,
    message,
  }));
  return new FidelisError(code, detail, { ...extra, errors });
}

/**
 * A failure listing several field errors (pointers into the service input; a field may appear more
 * than once), its detail the list itself: the HTTP layer places the pointers and the detail in the
 * request (`/body/country: unknown country XX; …`).
 */
export function fieldErrors(
  code: ErrorCode,
  errors: FieldError[],
  extra: Record<string, unknown> = {},
): FidelisError {
  return new FidelisError(code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
    ...extra,
    errors,
  });
}

/** `validation_failed` naming the fields at fault (see fieldError). */
export function invalid(detail: string, fields: Record<string, string>): FidelisError {
  return fieldError('validation_failed', detail, fields);
}

/** A failure with a stable code, raised by services and turned into a problem document by the HTTP layer. */
export class FidelisError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}) {
    const entry = ERROR_CATALOG[code];
    super(detail ?? entry.title);
    this.name = 'FidelisError';
    this.code = code;
    this.status = entry.status;
    this.detail = detail ?? entry.title;
    this.extra = extra;
  }
}
