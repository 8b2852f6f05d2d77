// An account's memberships and what they entitle it to: the plans held (status, term, renewal), the
// entitlements through them with their uses this term (of the plan's allowance; decision 0056), and
// the entitlements granted by hand (decision 0033).
import { useQuery } from '@tanstack/react-query';
import { api, data, type Schemas } from '../api/client';
import { formatAmount, formatNumber } from '../format';
import { More, Section, usePaged, When } from './AccountSections';
import { ProblemAlert } from './Problem';

type Account = Schemas['Account'];

function PlanName({ id }: { id: string }) {
  const plan = useQuery({
    queryKey: ['membership-plan', id],
    staleTime: 60_000,
    queryFn: () => data(api.GET('/v1/membership-plans/{planId}', { params: { path: { planId: id } } })),
  });
  return <>{plan.data?.name ?? id}</>;
}

/** The plans held (status, term, renewal) and what they entitle the account to; grants by hand. */
export function Memberships({ account }: { account: Account }) {
  const path = { accountId: account.id };
  const memberships = usePaged(['account-memberships', account.id], (cursor) =>
    data(
      api.GET('/v1/accounts/{accountId}/memberships', {
        params: { path, query: { limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  );
  const entitlements = usePaged(['account-entitlements', account.id], (cursor) =>
    data(
      api.GET('/v1/accounts/{accountId}/entitlements', {
        params: { path, query: { limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  );
  const grants = usePaged(['account-grants', account.id], (cursor) =>
    data(
      api.GET('/v1/accounts/{accountId}/entitlement-grants', {
        params: { path, query: { limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  );
  return (
    <Section id="memberships" title="Memberships and entitlements">
      <ProblemAlert error={memberships.query.error} />
      {memberships.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : memberships.rows.length === 0 ? (
        <p>No membership.</p>
      ) : (
        <table>
          <caption>Memberships</caption>
          <thead>
            <tr>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Term</th>
              <th scope="col">Started</th>
              <th scope="col">Renewal</th>
              <th scope="col">Joined by</th>
            </tr>
          </thead>
          <tbody>
            {memberships.rows.map((m) => (
              <tr key={m.id}>
                <td>
                  <PlanName id={m.planId} />
                </td>
                <td>{m.status}</td>
                <td className="number">{m.term}</td>
                <td>
                  <When at={m.startsAt} />
                </td>
                <td>
                  {m.endsAt ? (
                    <>
                      {m.renewal === 'auto' && m.status === 'active' ? 'renews ' : 'term ends '}
                      <When at={m.endsAt} />
                    </>
                  ) : (
                    m.renewal
                  )}
                </td>
                <td>
                  {m.via}
                  {m.reference && <div className="muted">{m.reference}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={memberships.query} label="More memberships" />

      <ProblemAlert error={entitlements.query.error} />
      {entitlements.query.isPending ? null : entitlements.rows.length === 0 ? (
        <p>No entitlement through a membership.</p>
      ) : (
        <table>
          <caption>Entitlements through memberships</caption>
          <thead>
            <tr>
              <th scope="col">Entitlement</th>
              <th scope="col">Kind</th>
              <th scope="col">What it gives</th>
              <th scope="col">Valid</th>
              <th scope="col">Held now</th>
              <th scope="col" className="number">
                Used this term
              </th>
            </tr>
          </thead>
          <tbody>
            {entitlements.rows.map((e) => (
              <tr key={e.id}>
                <td>{e.key}</td>
                <td>{e.kind.replaceAll('_', ' ')}</td>
                <td>
                  {e.code && (
                    <>
                      code <code>{e.code}</code>
                      {e.percent !== null && `, ${e.percent}% off`}
                    </>
                  )}
                  {e.amount !== null && e.unit && <>{formatAmount(e.amount, e.unit)} credited per term</>}
                  {!e.code && e.amount === null && '—'}
                </td>
                <td>
                  <When at={e.validFrom} /> – <When at={e.validUntil} />
                </td>
                <td>{e.active ? 'yes' : 'no'}</td>
                <td className="number">
                  {e.kind === 'service_credit'
                    ? '—'
                    : e.usesPerTerm === null
                      ? formatNumber(e.used)
                      : `${formatNumber(e.used)} of ${formatNumber(e.usesPerTerm)}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={entitlements.query} label="More entitlements" />
      {entitlements.rows.length > 0 && (
        <p className="muted">
          Uses are those your systems recorded in the membership’s current term (of the plan’s allowance when
          it sets one); a service credit is in the wallet of its unit (above).
        </p>
      )}

      <ProblemAlert error={grants.query.error} />
      {grants.rows.length > 0 && (
        <table>
          <caption>Entitlements granted by hand</caption>
          <thead>
            <tr>
              <th scope="col">Entitlement</th>
              <th scope="col">Valid</th>
              <th scope="col">Reason</th>
              <th scope="col">Held now</th>
            </tr>
          </thead>
          <tbody>
            {grants.rows.map((g) => (
              <tr key={g.id}>
                <td>{g.key}</td>
                <td>
                  <When at={g.validFrom} /> – {g.validUntil ? <When at={g.validUntil} /> : 'no end'}
                  {g.revokedAt && (
                    <div className="muted">
                      revoked <When at={g.revokedAt} />
                    </div>
                  )}
                </td>
                <td>{g.reason ?? '—'}</td>
                <td>{g.active ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={grants.query} label="More grants" />
    </Section>
  );
}
