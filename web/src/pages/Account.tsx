// One account, all a program manager needs to understand the business customer (decision 0033), each
// part read from the public API: its wallets (balance, pending, held, expiring), its tiers with the
// progress to the next one and the changes, its memberships and entitlements, its redemptions (the
// waiting ones linked to the approvals inbox), its latest events (each linked to its explanation on
// the Events screen), its place in the hierarchy and its relationships, its contacts, and a wallet's
// history with each line's explanation ("why does it have these points?").
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { Events } from '../components/AccountEvents';
import { Hierarchy } from '../components/AccountHierarchy';
import { Memberships } from '../components/AccountMemberships';
import { More, Section, usePaged, When } from '../components/AccountSections';
import { Tiers } from '../components/AccountTiers';
import { AccountName, RewardName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatAmount, formatDateTime } from '../format';

type Account = Schemas['Account'];

const SECTIONS = [
  ['wallets', 'Wallets'],
  ['tiers', 'Tiers'],
  ['memberships', 'Memberships and entitlements'],
  ['redemptions', 'Redemptions'],
  ['events', 'Events'],
  ['hierarchy', 'Hierarchy and relationships'],
  ['contacts', 'Contacts'],
  ['history', 'History'],
] as const;

export function Account() {
  const accountId = useParams().accountId!;
  const account = useQuery({
    queryKey: ['account', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } })),
  });
  useEffect(() => {
    if (account.data) document.title = `${account.data.name} · Fidelis console`;
  }, [account.data]);

  if (account.isPending) return <p className="loading">Loading…</p>;
  if (account.isError)
    return (
      <>
        <h1>Account</h1>
        <ProblemAlert error={account.error} />
        <Link to="/accounts">Back to the accounts</Link>
      </>
    );
  const a = account.data;
  return (
    <>
      <p className="crumbs">
        <Link to="/accounts">Accounts</Link> ›
      </p>
      <h1>{a.name}</h1>
      <dl className="facts">
        <dt>CRM id</dt>
        <dd>{a.externalId ?? '—'}</dd>
        <dt>Status</dt>
        <dd>{a.status}</dd>
        <dt>Segment</dt>
        <dd>{a.segment ?? '—'}</dd>
        <dt>Country</dt>
        <dd>{a.country ?? '—'}</dd>
        <dt>Customer since</dt>
        <dd>{a.customerSince ?? '—'}</dd>
        <dt>Part of</dt>
        <dd>
          {a.parentId ? (
            <Link to={`/accounts/${encodeURIComponent(a.parentId)}`}>
              <AccountName id={a.parentId} />
            </Link>
          ) : (
            'no group (a top-level account)'
          )}
        </dd>
      </dl>
      <nav aria-label="Sections of the account" className="subnav">
        {SECTIONS.map(([id, title]) => (
          <a key={id} href={`#${id}-title`}>
            {title}
          </a>
        ))}
      </nav>
      {/* Keyed by the account: following a link to another account starts its sections afresh. */}
      <Sections key={a.id} account={a} />
    </>
  );
}

function Sections({ account }: { account: Account }) {
  const [unit, setUnit] = useState<string>();
  return (
    <>
      <Wallets account={account} unit={unit} choose={setUnit} />
      <Tiers account={account} />
      <Memberships account={account} />
      <Redemptions account={account} />
      <Events account={account} />
      <Hierarchy account={account} />
      <Contacts account={account} />
      <WalletHistory account={account} unit={unit} />
    </>
  );
}

function useWallets(accountId: string) {
  return useQuery({
    queryKey: ['wallets', accountId],
    queryFn: () => data(api.GET('/v1/accounts/{accountId}/wallets', { params: { path: { accountId } } })),
  });
}

/** The wallet shown in the history: the one chosen, else points when the account has them, else its first. */
function shownUnit(units: string[], chosen: string | undefined): string | undefined {
  return chosen ?? (units.includes('points') ? 'points' : units[0]);
}

function Wallets({
  account,
  unit: chosen,
  choose,
}: {
  account: Account;
  unit: string | undefined;
  choose: (unit: string) => void;
}) {
  const wallets = useWallets(account.id);
  const unit = shownUnit(wallets.data?.data.map((w) => w.unit) ?? [], chosen);
  return (
    <Section id="wallets" title="Wallets">
      <ProblemAlert error={wallets.error} />
      {wallets.isPending && <p className="loading">Loading…</p>}
      {wallets.data && wallets.data.data.length === 0 && <p>No wallet yet: nothing earned.</p>}
      <div className="cards">
        {wallets.data?.data.map((w) => (
          <article
            key={w.walletId}
            className={w.unit === unit ? 'card chosen' : 'card'}
            aria-label={`${w.unit} wallet`}
          >
            <h3>{w.unit === 'points' ? 'Points' : w.unit}</h3>
            {w.ownerAccountId !== account.id && (
              <p className="muted">
                Pooled: held by <AccountName id={w.ownerAccountId} />
              </p>
            )}
            <dl>
              <dt>Balance</dt>
              <dd data-testid={`wallet-${w.unit}-balance`}>{formatAmount(w.net, w.unit)}</dd>
              <dt>Pending</dt>
              <dd data-testid={`wallet-${w.unit}-pending`}>{formatAmount(w.pending, w.unit)}</dd>
              <dt>Held</dt>
              <dd data-testid={`wallet-${w.unit}-held`}>{formatAmount(w.held, w.unit)}</dd>
              <dt>Available</dt>
              <dd data-testid={`wallet-${w.unit}-available`}>{formatAmount(w.available, w.unit)}</dd>
              {w.debt > 0 && (
                <>
                  <dt>Debt</dt>
                  <dd>{formatAmount(w.debt, w.unit)}</dd>
                </>
              )}
              <dt>Expiring in 30 days</dt>
              <dd data-testid={`wallet-${w.unit}-expiring-30`}>
                {formatAmount(w.expiring.in30Days, w.unit)}
              </dd>
              <dt>Expiring in 90 days</dt>
              <dd data-testid={`wallet-${w.unit}-expiring-90`}>
                {formatAmount(w.expiring.in90Days, w.unit)}
              </dd>
              <dt>Earned in all</dt>
              <dd>{formatAmount(w.lifetime.earned, w.unit)}</dd>
              <dt>Redeemed in all</dt>
              <dd>{formatAmount(w.lifetime.redeemed, w.unit)}</dd>
            </dl>
            {w.unit !== unit && (
              <button type="button" onClick={() => choose(w.unit)}>
                Show the {w.unit} history
              </button>
            )}
          </article>
        ))}
      </div>
    </Section>
  );
}

function Redemptions({ account }: { account: Account }) {
  const redemptions = usePaged(['account-redemptions', account.id], (cursor) =>
    data(
      api.GET('/v1/redemptions', {
        params: { query: { account: account.id, limit: 10, ...(cursor && { cursor }) } },
      }),
    ),
  );
  return (
    <Section id="redemptions" title="Redemptions">
      <ProblemAlert error={redemptions.query.error} />
      {redemptions.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : redemptions.rows.length === 0 ? (
        <p>No redemption.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Redemptions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Reward</th>
              <th scope="col" className="number">
                Price
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {redemptions.rows.map((r) => (
              <tr key={r.id} data-redemption={r.id}>
                <td>
                  <When at={r.createdAt} time />
                </td>
                <td>
                  <RewardName id={r.rewardId} />
                  {r.note && <div className="muted">{r.note}</div>}
                </td>
                <td className="number">{formatAmount(r.price.amount, r.price.unit)}</td>
                <td>
                  {r.status.replaceAll('_', ' ')}
                  {r.status === 'pending_approval' && (
                    <div>
                      <Link to="/approvals">Decide in the approvals inbox</Link>
                    </div>
                  )}
                  {r.reason && <div className="muted">{r.reason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={redemptions.query} label="More redemptions" />
    </Section>
  );
}

function Contacts({ account }: { account: Account }) {
  const contacts = usePaged(['account-contacts', account.id], (cursor) =>
    data(
      api.GET('/v1/accounts/{accountId}/contacts', {
        params: { path: { accountId: account.id }, query: { limit: 20, ...(cursor && { cursor }) } },
      }),
    ),
  );
  return (
    <Section id="contacts" title="Contacts">
      <ProblemAlert error={contacts.query.error} />
      {contacts.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : contacts.rows.length === 0 ? (
        <p>No contact.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Contacts of the account</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Language</th>
              <th scope="col">Statements</th>
            </tr>
          </thead>
          <tbody>
            {contacts.rows.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/contacts/${encodeURIComponent(c.id)}`}>{c.name ?? c.email}</Link>
                </td>
                <td>{c.email}</td>
                <td>{c.role}</td>
                <td>{c.locale ?? '—'}</td>
                <td>{c.statementOptIn ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={contacts.query} label="More contacts" />
    </Section>
  );
}

function WalletHistory({ account, unit: chosen }: { account: Account; unit: string | undefined }) {
  const wallets = useWallets(account.id);
  const unit = shownUnit(wallets.data?.data.map((w) => w.unit) ?? [], chosen);
  if (!unit) return null;
  return <History accountId={account.id} unit={unit} />;
}

function History({ accountId, unit }: { accountId: string; unit: string }) {
  const history = usePaged(['history', accountId, unit], (cursor) =>
    data(
      api.GET('/v1/accounts/{accountId}/wallets/{unit}/history', {
        params: { path: { accountId, unit }, query: { limit: 50, ...(cursor && { cursor }) } },
      }),
    ),
  );
  const lines = history.rows;
  return (
    <Section id="history" title={`History (${unit})`}>
      <ProblemAlert error={history.query.error} />
      {history.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : lines.length === 0 ? (
        <p>No movement yet.</p>
      ) : (
        <table className="history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" className="number">
                Amount
              </th>
              <th scope="col" className="number">
                Balance after
              </th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.entryId}:${l.phase}`}>
                <td>{formatDateTime(l.effectiveAt)}</td>
                <td>
                  {l.type}
                  {l.phase !== 'posted' && <span className="tag">{l.phase}</span>}
                </td>
                <td className="number">{formatAmount(l.requested, l.unit)}</td>
                <td className="number">{formatAmount(l.balanceAfter, l.unit)}</td>
                <td className="explanation">{l.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More query={history.query} label="Older lines" />
    </Section>
  );
}
