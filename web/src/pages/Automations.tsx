// Automations: the program's lifecycle automations (birthdays, client anniversaries, milestones,
// win-back, membership and tier anniversaries) with what fires them and what they give, created with
// a form whose refusals show at their fields, edited with the same form prefilled, paused or resumed (the API has no archive: a paused
// automation fires nothing), and the latest firings across automations, filtered by automation and
// account (decision 0051). Backed by /v1/automations (decision 0025);
// writing needs the admin scope, everyone reads.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, data, type Schemas } from '../api/client';
import { AutomationFirings, type FiringFilter } from '../components/AutomationFirings';
import {
  type AutomationBody,
  AutomationForm,
  TRIGGER_KINDS,
  type Trigger,
} from '../components/AutomationForm';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDecimalAmount, formatNumber } from '../format';
import { useBaseCurrency } from '../program';
import { can, useSession } from '../session';

type Automation = Schemas['Automation'];

export function Automations() {
  const session = useSession();
  const admin = can(session, 'admin');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Automation | null>(null);
  const [firings, setFirings] = useState<FiringFilter>({});
  useEffect(() => {
    document.title = 'Automations · Fidelis console';
  }, []);
  const list = useInfiniteQuery({
    queryKey: ['automations'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/automations', {
          params: { query: { limit: 50, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <h1>Automations</h1>
      <p className="muted">
        Fired by the engagement due run in the program’s time zone, once per occurrence, with what each gives.
      </p>
      {!admin && (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at the automations but not define or pause them: that needs
          an admin or the owner.
        </p>
      )}
      {admin && !creating && (
        <button
          type="button"
          onClick={() => {
            setEditing(null);
            setCreating(true);
          }}
        >
          New automation
        </button>
      )}
      {creating && <AutomationForm onDone={() => setCreating(false)} />}
      {editing && <AutomationForm key={editing.code} automation={editing} onDone={() => setEditing(null)} />}
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No automation yet.</p>
      ) : (
        <div className="scroll">
          <table>
            <caption className="visually-hidden">Automations</caption>
            <thead>
              <tr>
                <th scope="col">Automation</th>
                <th scope="col">Fired by</th>
                <th scope="col">Gives</th>
                <th scope="col">From</th>
                <th scope="col">State</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <AutomationRow
                  key={a.code}
                  automation={a}
                  admin={admin}
                  onFirings={() => {
                    setFirings({ automation: a.code });
                    document.getElementById('firings-title')?.scrollIntoView();
                  }}
                  onEdit={() => {
                    setCreating(false);
                    setEditing(a);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More automations
        </button>
      )}
      <AutomationFirings automations={rows} filter={firings} onFilter={setFirings} />
    </>
  );
}

export function triggerText(t: Trigger): string {
  switch (t.kind) {
    case 'milestone':
      return `${t.metric === 'lifetime_points' ? 'lifetime points' : 'lifetime spend'} reaches ${formatNumber(t.threshold)}${t.eventTypes ? ` (${t.eventTypes.join(', ')})` : ''}`;
    case 'win_back':
      return `no ${t.eventTypes.join(', ')} for ${formatNumber(t.days)} days`;
    case 'membership_anniversary':
      return `a membership anniversary${t.plans ? ` (${t.plans.join(', ')})` : ''}`;
    case 'tier_anniversary':
      return `the anniversary of reaching ${t.tier}${t.ladder ? ` on ${t.ladder}` : ''}`;
    default:
      return TRIGGER_KINDS[t.kind];
  }
}

const cash = (decimal: string, currency: string | undefined) =>
  currency ? formatDecimalAmount(decimal, currency) : decimal;

function effectText(e: AutomationBody['effect'], currency: string | undefined): string {
  return (
    [
      e.points !== undefined && `${formatNumber(e.points)} points`,
      e.cashback !== undefined && `${cash(e.cashback, currency)} cashback`,
      e.badge && `badge ${e.badge}`,
      e.catalogReward && `reward ${e.catalogReward}`,
    ]
      .filter(Boolean)
      .join(', ') || '—'
  );
}

function AutomationRow({
  automation: a,
  admin,
  onFirings,
  onEdit,
}: {
  automation: Automation;
  admin: boolean;
  onFirings: () => void;
  onEdit: () => void;
}) {
  const client = useQueryClient();
  const currency = useBaseCurrency();
  const toggle = useMutation({
    // The API changes an automation whole: the same document with `enabled` flipped.
    mutationFn: () =>
      data(
        api.PUT('/v1/automations/{automationCode}', {
          params: { path: { automationCode: a.code } },
          body: {
            name: a.name,
            trigger: a.trigger as Trigger,
            effect: a.effect as AutomationBody['effect'],
            startsAt: a.startsAt,
            enabled: !a.enabled,
          },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['automations'] }),
  });
  return (
    <tr>
      <td>
        {a.name}
        <div className="muted">{a.code}</div>
      </td>
      <td>{triggerText(a.trigger as Trigger)}</td>
      <td>{effectText(a.effect as AutomationBody['effect'], currency)}</td>
      <td>{formatDate(a.startsAt)}</td>
      <td data-testid={`automation-state-${a.code}`}>{a.enabled ? 'enabled' : 'paused'}</td>
      <td>
        <span className="actions">
          <button type="button" aria-label={`Firings of ${a.name}`} onClick={onFirings}>
            Firings
          </button>
          {admin && (
            <button type="button" aria-label={`Edit ${a.name}`} onClick={onEdit}>
              Edit
            </button>
          )}
          {admin && (
            <button
              type="button"
              aria-label={`${a.enabled ? 'Pause' : 'Resume'} ${a.name}`}
              disabled={toggle.isPending}
              onClick={() => toggle.mutate()}
            >
              {a.enabled ? 'Pause' : 'Resume'}
            </button>
          )}
        </span>
        <ProblemAlert error={toggle.error} />
      </td>
    </tr>
  );
}
