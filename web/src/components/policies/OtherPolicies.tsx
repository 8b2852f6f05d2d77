// Settings › Policies: events from unknown accounts and clock skew (settings.events), the API keys'
// rate (settings.keys), partners' claims and payouts (settings.claims, settings.commissions), the
// portal's company view and sign-in by e-mail (settings.portal), statements
// (settings.notifications.statements), and what the KPIs count and state (settings.insight).
import { formatDecimalAmount } from '../../format';
import {
  CheckField,
  defined,
  InputField,
  type Modules,
  minorUnitsOr,
  moduleOf,
  moneyHint,
  numberOr,
  type Program,
  RoleBoxes,
  rolesOf,
  type SectionProps,
  SelectField,
  text,
  unitsOf,
} from './policy-fields';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export const OTHER_FIELDS = [
  'settings.events.unknownAccount',
  'settings.events.maxFutureMinutes',
  'settings.keys.requestsPerMinute',
  'settings.claims.submissionWindowDays',
  'settings.commissions.minimumPayout',
  'settings.commissions.payoutSchedule.frequency',
  'settings.commissions.payoutSchedule.dayOfMonth',
  'settings.commissions.payoutSchedule.weekday',
  'settings.portal.companyRoles',
  'settings.portal.signInByMail',
  'settings.notifications.statements',
  'settings.insight.purchaseTypes',
  'settings.insight.roi.grossMargin',
  'settings.insight.roi.incrementalRevenueShare',
  'settings.insight.roi.operatingCostPerMonth',
];

export function EventsSection({ program, f }: SectionProps) {
  const events = moduleOf(program, 'events');
  const keys = moduleOf(program, 'keys');
  return (
    <div className="grid-2">
      <SelectField
        f={f}
        name="settings.events.unknownAccount"
        label="An event of an unknown account"
        value={String(events.unknownAccount ?? 'reject')}
        options={[
          ['reject', 'is refused'],
          ['create_prospect', 'makes a prospect'],
        ]}
        hint="Refused: account_not_found; a prospect has the reference as its externalId"
      />
      <InputField
        f={f}
        name="settings.events.maxFutureMinutes"
        label="Events may lie ahead by (minutes)"
        value={events.maxFutureMinutes}
        hint="Clock skew allowed, 0–1440; empty: 5"
        inputMode="numeric"
      />
      <InputField
        f={f}
        name="settings.keys.requestsPerMinute"
        label="Requests per minute of each API key"
        value={keys.requestsPerMinute}
        hint="More are answered 429; empty: 60000"
        inputMode="numeric"
      />
    </div>
  );
}

export function PartnersSection({ program, f }: SectionProps) {
  const claims = moduleOf(program, 'claims');
  const commissions = moduleOf(program, 'commissions');
  const schedule = (commissions.payoutSchedule ?? { frequency: 'off' }) as {
    frequency: string;
    dayOfMonth?: number;
    weekday?: string;
  };
  const currency = program.baseCurrency;
  const minimum = commissions.minimumPayout as number | undefined;
  return (
    <div className="grid-2">
      <InputField
        f={f}
        name="settings.claims.submissionWindowDays"
        label="Sales claims within (days of the invoice)"
        value={claims.submissionWindowDays}
        hint="1–3650; empty: 90"
        inputMode="numeric"
      />
      <InputField
        f={f}
        name="settings.commissions.minimumPayout"
        label={`Least payout to a partner (${currency})`}
        value={unitsOf(minimum, currency)}
        hint={moneyHint(minimum, currency, 'Less is carried to a later run; empty: none')}
        inputMode="decimal"
      />
      <SelectField
        f={f}
        name="settings.commissions.payoutSchedule.frequency"
        label="Propose payout runs"
        value={schedule.frequency}
        options={[
          ['off', 'on demand only'],
          ['weekly', 'weekly (the previous week)'],
          ['monthly', 'monthly (the previous month)'],
          ['quarterly', 'quarterly (the previous quarter)'],
        ]}
        hint="In the program's time zone; each period is proposed once"
      />
      <InputField
        f={f}
        name="settings.commissions.payoutSchedule.dayOfMonth"
        label="From day of the month (monthly; quarterly: of the quarter's first month)"
        value={schedule.dayOfMonth}
        hint="1–28"
        inputMode="numeric"
      />
      <SelectField
        f={f}
        name="settings.commissions.payoutSchedule.weekday"
        label="From weekday (weekly)"
        value={schedule.weekday ?? 'monday'}
        options={WEEKDAYS.map((d) => [d, d[0]!.toUpperCase() + d.slice(1)] as const)}
      />
    </div>
  );
}

export function PortalSection({ program, f }: SectionProps) {
  const portal = moduleOf(program, 'portal');
  const statements = moduleOf(program, 'notifications').statements as
    | boolean
    | { send?: boolean; cadence?: string }
    | undefined;
  const send = typeof statements === 'boolean' ? statements : (statements?.send ?? true);
  const cadence = typeof statements === 'object' ? (statements.cadence ?? 'monthly') : 'monthly';
  return (
    <>
      <div className="grid-2">
        <CheckField
          f={f}
          name="settings.portal.signInByMail"
          label="Members may ask for a sign-in link by e-mail"
          checked={portal.signInByMail !== false}
        />
        <SelectField
          f={f}
          name="settings.notifications.statements"
          label="Statements by e-mail"
          value={send ? cadence : 'off'}
          options={[
            ['monthly', 'monthly'],
            ['quarterly', 'quarterly'],
            ['off', 'not sent'],
          ]}
        />
      </div>
      <RoleBoxes
        f={f}
        name="settings.portal.companyRoles"
        legend="Contacts who see the company view in the portal"
        chosen={(portal.companyRoles as string[] | undefined) ?? ['owner', 'admin', 'approver']}
      />
    </>
  );
}

export function InsightSection({ program, f }: SectionProps) {
  const insight = moduleOf(program, 'insight');
  const roi = (insight.roi ?? {}) as Record<string, string>;
  const cost = roi.operatingCostPerMonth;
  return (
    <div className="grid-2">
      <InputField
        f={f}
        name="settings.insight.purchaseTypes"
        label="Event types that are orders"
        value={((insight.purchaseTypes as string[] | undefined) ?? []).join(', ')}
        hint="Comma-separated; empty: purchase"
      />
      <InputField
        f={f}
        name="settings.insight.roi.grossMargin"
        label="Gross margin (0–1)"
        value={roi.grossMargin}
        hint="e.g. 0.35; empty: not stated"
        inputMode="decimal"
      />
      <InputField
        f={f}
        name="settings.insight.roi.incrementalRevenueShare"
        label="Revenue due to the program (0–1)"
        value={roi.incrementalRevenueShare}
        hint="e.g. 0.08; empty: not stated"
        inputMode="decimal"
      />
      <InputField
        f={f}
        name="settings.insight.roi.operatingCostPerMonth"
        label={`Running cost per month (${program.baseCurrency})`}
        value={cost}
        hint={
          cost ? `Now ${formatDecimalAmount(cost, program.baseCurrency)}` : 'e.g. 1500.00; empty: not stated'
        }
        inputMode="decimal"
      />
    </div>
  );
}

export function collectOther(form: FormData, program: Program): Modules {
  const currency = program.baseCurrency;
  const frequency = text(form, 'settings.commissions.payoutSchedule.frequency') || 'off';
  const day = numberOr(text(form, 'settings.commissions.payoutSchedule.dayOfMonth'));
  const weekday = text(form, 'settings.commissions.payoutSchedule.weekday');
  // What the form does not show (the schedule's currencies) is kept.
  const { currencies } = (moduleOf(program, 'commissions').payoutSchedule ?? {}) as { currencies?: string[] };
  const statements = text(form, 'settings.notifications.statements');
  const purchaseTypes = text(form, 'settings.insight.purchaseTypes')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const insight = moduleOf(program, 'insight');
  const roi = defined({
    ...((insight.roi ?? {}) as Record<string, unknown>),
    grossMargin: text(form, 'settings.insight.roi.grossMargin') || undefined,
    incrementalRevenueShare: text(form, 'settings.insight.roi.incrementalRevenueShare') || undefined,
    operatingCostPerMonth: text(form, 'settings.insight.roi.operatingCostPerMonth') || undefined,
  });
  return {
    events: defined({
      ...moduleOf(program, 'events'),
      unknownAccount: text(form, 'settings.events.unknownAccount'),
      maxFutureMinutes: numberOr(text(form, 'settings.events.maxFutureMinutes')),
    }),
    keys: defined({
      ...moduleOf(program, 'keys'),
      requestsPerMinute: numberOr(text(form, 'settings.keys.requestsPerMinute')),
    }),
    claims: defined({
      ...moduleOf(program, 'claims'),
      submissionWindowDays: numberOr(text(form, 'settings.claims.submissionWindowDays')),
    }),
    commissions: defined({
      ...moduleOf(program, 'commissions'),
      minimumPayout: minorUnitsOr(text(form, 'settings.commissions.minimumPayout'), currency),
      payoutSchedule:
        frequency === 'off'
          ? { frequency: 'off' }
          : defined({
              frequency,
              ...(frequency === 'weekly' ? { weekday } : { dayOfMonth: day }),
              currencies,
            }),
    }),
    portal: defined({
      ...moduleOf(program, 'portal'),
      signInByMail: form.get('settings.portal.signInByMail') !== null,
      companyRoles: rolesOf(form, 'settings.portal.companyRoles'),
    }),
    notifications: defined({
      ...moduleOf(program, 'notifications'),
      statements: statements === 'off' ? { send: false } : { send: true, cadence: statements },
    }),
    insight: defined({
      ...insight,
      purchaseTypes: purchaseTypes.length ? purchaseTypes : undefined,
      roi: Object.keys(roi).length ? roi : undefined,
    }),
  };
}
