// Settings › Policies: the program settings the Program screen leaves out — points pooling, clawback
// and transfers, the approval of redemptions (steps, approver and requester roles, threshold in the
// base currency), events, the API keys' rate, partners' claims and payouts, the portal's company
// view, statements and the KPIs' assumptions — read from GET /v1/program and saved with one
// PATCH /v1/program (admin and owner; other roles see them, disabled). A PATCH replaces each
// module's settings it names, so each module is sent whole with what the form does not show
// unchanged; a refusal lands at its field (decision 0056).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api, data } from '../api/client';
import type { paths } from '../api/schema';
import { formErrors, pointerIn } from '../components/Fields';
import { ProblemAlert } from '../components/Problem';
import {
  collectOther,
  EventsSection,
  InsightSection,
  OTHER_FIELDS,
  PartnersSection,
  PortalSection,
} from '../components/policies/OtherPolicies';
import {
  APPROVAL_FIELDS,
  ApprovalSection,
  collectApproval,
  collectPoints,
  POINTS_FIELDS,
  PointsSection,
} from '../components/policies/PointsPolicies';
import type { Program } from '../components/policies/policy-fields';
import { SettingsNav } from '../components/SettingsNav';
import { formatDateTime } from '../format';
import { can, useSession } from '../session';

type Body = NonNullable<paths['/v1/program']['patch']['requestBody']>['content']['application/json'];

const FIELDS = [...POINTS_FIELDS, ...APPROVAL_FIELDS, ...OTHER_FIELDS];

/** A problem's pointer (`/body/settings/ledger/pooling`) → the nearest field of the form. */
function fieldOf(path: string): string | undefined {
  const parts = pointerIn(path).split('/').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const name = parts.slice(0, n).join('.');
    if (FIELDS.includes(name)) return name;
  }
  return undefined;
}

export function Policies() {
  const session = useSession();
  const client = useQueryClient();
  useEffect(() => {
    document.title = 'Policies · Settings · Fidelis console';
  }, []);
  const mayEdit = can(session, 'admin');
  const program = useQuery({ queryKey: ['program'], queryFn: () => data(api.GET('/v1/program')) });
  const [saved, setSaved] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (body: Body) => data(api.PATCH('/v1/program', { body })),
    onMutate: () => setSaved(undefined),
    onSuccess: async (after) => {
      // Read back what the API keeps, not what was sent.
      await client.invalidateQueries({ queryKey: ['program'] });
      setSaved(after.updatedAt);
    },
  });
  return (
    <>
      <h1>Policies</h1>
      <SettingsNav />
      {!mayEdit && (
        <p className="note" role="note">
          Your role ({session.user.role}) may see the program’s policies but not change them: that needs an
          admin or the owner.
        </p>
      )}
      {program.isPending ? (
        <p className="loading">Loading…</p>
      ) : !program.data ? (
        <ProblemAlert error={program.error} />
      ) : (
        <>
          <p className="muted">
            {program.data.name} · base currency {program.data.baseCurrency} · changed{' '}
            {formatDateTime(program.data.updatedAt)}
          </p>
          {/* Keyed by the change: a save re-reads the program and the form starts from what the API keeps. */}
          <Form
            key={program.data.updatedAt}
            program={program.data}
            error={save.error}
            pending={save.isPending}
            mayEdit={mayEdit}
            onSave={save.mutate}
          />
          {saved && (
            <p role="status" className="note">
              Saved
            </p>
          )}
        </>
      )}
    </>
  );
}

function Form({
  program,
  error,
  pending,
  mayEdit,
  onSave,
}: {
  program: Program;
  error: unknown;
  pending: boolean;
  mayEdit: boolean;
  onSave: (body: Body) => void;
}) {
  const f = formErrors(error, fieldOf, 'policies');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSave({
      settings: {
        ...collectPoints(form, program),
        ...collectApproval(form, program),
        ...collectOther(form, program),
      },
    } as Body);
  };
  const section = (legend: string, content: React.ReactNode) => (
    <fieldset disabled={pending || !mayEdit}>
      <legend>{legend}</legend>
      {content}
    </fieldset>
  );
  return (
    <form className="stack program" onSubmit={submit} noValidate aria-label="Program policies">
      {f.alert}
      {section('Points', <PointsSection program={program} f={f} />)}
      {section('Approval of redemptions', <ApprovalSection program={program} f={f} />)}
      {section('Events and API keys', <EventsSection program={program} f={f} />)}
      {section('Partners', <PartnersSection program={program} f={f} />)}
      {section('Portal and statements', <PortalSection program={program} f={f} />)}
      {section('Insight', <InsightSection program={program} f={f} />)}
      {mayEdit && (
        <p>
          <button type="submit" disabled={pending}>
            Save the policies
          </button>
        </p>
      )}
    </form>
  );
}
