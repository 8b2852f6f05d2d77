// Settings › Policies: the points (pooling, clawback, transfers, how long holds and pending credits
// wait: settings.ledger) and the approval of redemptions (when one needs it, how many approvers of
// which roles, the threshold in the base currency, how long it waits: settings.redemptions).
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

const L = 'settings.ledger';
const A = 'settings.redemptions.approval';

export const POINTS_FIELDS = [
  `${L}.pooling`,
  `${L}.clawback`,
  `${L}.transfers`,
  `${L}.holdTimeoutDays`,
  `${L}.pendingTimeoutDays`,
];
export const APPROVAL_FIELDS = [
  `${A}.always`,
  `${A}.steps`,
  `${A}.approverRoles`,
  `${A}.requesterRoles`,
  `${A}.operatorMayApprove`,
  `${A}.above`,
  'settings.redemptions.approvalTimeoutDays',
];

export function PointsSection({ program, f }: SectionProps) {
  const ledger = moduleOf(program, 'ledger');
  return (
    <div className="grid-2">
      <SelectField
        f={f}
        name={`${L}.pooling`}
        label="Points pooling"
        value={String(ledger.pooling ?? 'own')}
        options={[
          ['own', 'each account its own'],
          ['group', 'shared by the top group'],
        ]}
        hint="Shared: the accounts of a top group earn into and spend from its wallets"
      />
      <SelectField
        f={f}
        name={`${L}.clawback`}
        label="Clawback of points already spent"
        value={String(ledger.clawback ?? 'negative')}
        options={[
          ['negative', 'a negative balance'],
          ['write_off', 'written off'],
        ]}
        hint="When a return takes back points already spent: a debt settled by later credits, or forgiven"
      />
      <SelectField
        f={f}
        name={`${L}.transfers`}
        label="Transfers of points"
        value={String(ledger.transfers ?? 'hierarchy')}
        options={[
          ['none', 'not allowed'],
          ['hierarchy', 'within a top group'],
          ['any', 'between any accounts'],
        ]}
      />
      <InputField
        f={f}
        name={`${L}.holdTimeoutDays`}
        label="Holds are released after (days)"
        value={ledger.holdTimeoutDays}
        hint="1–365; empty: 30"
        inputMode="numeric"
      />
      <InputField
        f={f}
        name={`${L}.pendingTimeoutDays`}
        label="Pending credits post after (days)"
        value={ledger.pendingTimeoutDays}
        hint="Those without a date; 1–730; empty: 90"
        inputMode="numeric"
      />
    </div>
  );
}

export function collectPoints(form: FormData, program: Program): Modules {
  return {
    ledger: defined({
      ...moduleOf(program, 'ledger'),
      pooling: text(form, `${L}.pooling`),
      clawback: text(form, `${L}.clawback`),
      transfers: text(form, `${L}.transfers`),
      holdTimeoutDays: numberOr(text(form, `${L}.holdTimeoutDays`)),
      pendingTimeoutDays: numberOr(text(form, `${L}.pendingTimeoutDays`)),
    }),
  };
}

const approvalOf = (program: Program) =>
  (moduleOf(program, 'redemptions').approval ?? {}) as Record<string, unknown>;

export function ApprovalSection({ program, f }: SectionProps) {
  const redemptions = moduleOf(program, 'redemptions');
  const approval = approvalOf(program);
  const above = (approval.above ?? {}) as Record<string, number>;
  const currency = program.baseCurrency;
  return (
    <>
      <div className="grid-2">
        <CheckField
          f={f}
          name={`${A}.always`}
          label="Every redemption needs approval"
          checked={approval.always === true}
        />
        <CheckField
          f={f}
          name={`${A}.operatorMayApprove`}
          label="Your staff may approve (admin keys and the console)"
          checked={approval.operatorMayApprove !== false}
        />
        <InputField
          f={f}
          name={`${A}.steps`}
          label="Approval steps"
          value={approval.steps}
          hint="How many different approvers must approve, 1–5; empty: 1"
          inputMode="numeric"
        />
        <InputField
          f={f}
          name={`${A}.above`}
          label={`Approval above (${currency})`}
          value={unitsOf(above[currency], currency)}
          hint={moneyHint(
            above[currency],
            currency,
            'A cash price above this needs approval; empty: no threshold',
          )}
          inputMode="decimal"
        />
        <InputField
          f={f}
          name="settings.redemptions.approvalTimeoutDays"
          label="Approval waits at most (days)"
          value={redemptions.approvalTimeoutDays}
          hint="Then the held points are released and approval is refused; 1–365; empty: 30"
          inputMode="numeric"
        />
      </div>
      <RoleBoxes
        f={f}
        name={`${A}.approverRoles`}
        legend="Contacts who may approve (of the same account)"
        chosen={(approval.approverRoles as string[] | undefined) ?? ['approver', 'admin', 'owner']}
      />
      <RoleBoxes
        f={f}
        name={`${A}.requesterRoles`}
        legend="Requests by these contacts always need approval"
        chosen={(approval.requesterRoles as string[] | undefined) ?? []}
      />
    </>
  );
}

export function collectApproval(form: FormData, program: Program): Modules {
  const redemptions = moduleOf(program, 'redemptions');
  const approval = approvalOf(program);
  const currency = program.baseCurrency;
  const { [currency]: _, ...otherUnits } = (approval.above ?? {}) as Record<string, number>;
  const threshold = minorUnitsOr(text(form, `${A}.above`), currency);
  const approverRoles = rolesOf(form, `${A}.approverRoles`);
  return {
    redemptions: defined({
      ...redemptions,
      approval: defined({
        ...approval,
        always: form.get(`${A}.always`) !== null,
        operatorMayApprove: form.get(`${A}.operatorMayApprove`) !== null,
        steps: numberOr(text(form, `${A}.steps`)),
        above: threshold === undefined ? otherUnits : { ...otherUnits, [currency]: threshold },
        // None ticked is sent as such: the API refuses it at the field (one role at least).
        approverRoles,
        requesterRoles: rolesOf(form, `${A}.requesterRoles`),
      }),
      approvalTimeoutDays: numberOr(text(form, 'settings.redemptions.approvalTimeoutDays')),
    }),
  };
}
