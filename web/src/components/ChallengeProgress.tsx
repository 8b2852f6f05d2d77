// A challenge's progress and completions on the Engagement screen (decision 0061). An account
// (team) challenge asks for the account; a contact challenge asks for the account, lists its
// contacts and reads the chosen contact's own progress (`?contact=`). Either way the API's sentence
// says which events count (a contact challenge leaves out those naming no contact). A refusal of the
// progress read that names `account` or `contact` shows at that field. Under it, the challenge's
// completions, paged, each naming its account and, for a contact's, the contact.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formatDate, formatDateTime } from '../format';
import { formErrors, pointerIn } from './Fields';
import { AccountName, ContactName } from './Names';
import { ProblemAlert } from './Problem';

type Challenge = Schemas['Challenge'];

/** /query/contact or /contact → contact; /account → account. */
const progressField = (path: string) => /^\/(?:query\/)?(account|contact)\b/.exec(pointerIn(path))?.[1];

export function ChallengeProgress({ challenge }: { challenge: Challenge }) {
  const code = challenge.code;
  const byContact = challenge.participant === 'contact';
  // The account asked about (an account challenge's member, or the account whose contacts are listed).
  const [account, setAccount] = useState('');
  const [contact, setContact] = useState('');
  const contacts = useQuery({
    queryKey: ['account-contacts', account],
    enabled: byContact && account !== '',
    queryFn: () =>
      data(
        api.GET('/v1/accounts/{accountId}/contacts', {
          params: { path: { accountId: account }, query: { limit: 100 } },
        }),
      ),
  });
  const subject = byContact ? contact : account;
  const progress = useQuery({
    queryKey: ['challenge-progress', code, byContact ? 'contact' : 'account', subject],
    enabled: subject !== '',
    queryFn: () =>
      data(
        api.GET('/v1/challenges/{challengeCode}/progress', {
          params: { path: { challengeCode: code }, query: byContact ? { contact } : { account } },
        }),
      ),
  });
  const e = formErrors(progress.error, progressField, 'progress');
  const p = progress.data;
  const people = contacts.data?.data ?? [];
  return (
    <section aria-labelledby="progress-title" className="panel">
      <h3 id="progress-title">Progress on {challenge.name}</h3>
      <p className="muted">
        {byContact
          ? 'A contact challenge: each contact progresses and completes on its own, with the events naming it.'
          : "A team challenge: the account progresses with every contact's events."}
      </p>
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setContact('');
          setAccount(String(new FormData(event.currentTarget).get('account') ?? '').trim());
        }}
      >
        <label htmlFor={e.field('account').id}>Member account (id or CRM id)</label>
        <input {...e.field('account')} required />
        <button type="submit">{byContact ? 'Show its contacts' : 'Show progress'}</button>
      </form>
      {e.errorsAt('account')}
      {byContact && <ProblemAlert error={contacts.error} />}
      {byContact && contacts.data && people.length === 0 && <p>The account has no contact.</p>}
      {byContact && people.length > 0 && (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            setContact(String(new FormData(event.currentTarget).get('contact') ?? ''));
          }}
        >
          <label htmlFor={e.field('contact').id}>Contact</label>
          <select {...e.field('contact')} defaultValue={people[0]!.id}>
            {people.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name ?? c.email} ({c.role}){c.active ? '' : ', deactivated'}
              </option>
            ))}
          </select>
          <button type="submit">Show progress</button>
        </form>
      )}
      {e.errorsAt('contact')}
      {e.alert}
      {p && (
        <>
          <p data-testid="progress-status">
            {p.status.replaceAll('_', ' ')}: {p.stepsDone} of {p.steps} goals done
            {p.window && ` in the window ${formatDate(p.window.start)} – ${formatDate(p.window.end)}`}
            {!p.eligible && ` (the ${p.contactId ? 'contact' : 'account'} is not in the audience)`}
            {p.completion && `; completed ${formatDateTime(p.completion.completedAt)}`}
          </p>
          <p data-testid="progress-counts" className="muted">
            Counts {p.counts}.
          </p>
          <table>
            <caption>
              Goals of {p.name} for {p.contactId ? <ContactName id={p.contactId} /> : account}
            </caption>
            <thead>
              <tr>
                <th scope="col">Goal</th>
                <th scope="col" className="number">
                  Value
                </th>
                <th scope="col" className="number">
                  Target
                </th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {p.goals.map((g) => {
                const ratio = Math.min(1, Number(g.value) / Number(g.target) || 0);
                return (
                  <tr key={`${g.metric}:${g.eventTypes.join()}:${g.target}`}>
                    <td>{g.label ?? `${g.metric} of ${g.eventTypes.join(', ')}`}</td>
                    <td className="number">{g.value}</td>
                    <td className="number">{g.target}</td>
                    <td>
                      <progress
                        value={ratio}
                        max={1}
                        aria-label={`${g.label ?? g.metric}: ${Math.round(ratio * 100)}%`}
                      />
                      {g.done && ' done'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      <ChallengeCompletions challenge={challenge} />
    </section>
  );
}

/** The challenge's completions, newest pages as the API gives them, each naming its account and contact. */
function ChallengeCompletions({ challenge }: { challenge: Challenge }) {
  const code = challenge.code;
  const list = useInfiniteQuery({
    queryKey: ['challenge-completions', code],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/challenges/{challengeCode}/completions', {
          params: {
            path: { challengeCode: code },
            query: { limit: 50, ...(pageParam && { cursor: pageParam }) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <>
      <h4 id="completions-title">Completions</h4>
      <ProblemAlert error={list.error} />
      {list.isPending ? (
        <p className="loading">Loading…</p>
      ) : rows.length === 0 ? (
        <p>No completion yet.</p>
      ) : (
        <table aria-labelledby="completions-title">
          <thead>
            <tr>
              <th scope="col">Completed</th>
              <th scope="col">Window</th>
              <th scope="col">Account</th>
              <th scope="col">Contact</th>
              <th scope="col" className="number">
                Points
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.contactId ?? c.accountId}:${c.windowKey}`}>
                <td>{formatDateTime(c.completedAt)}</td>
                <td>{c.windowKey}</td>
                <td>
                  <Link to={`/accounts/${encodeURIComponent(c.accountId)}`}>
                    <AccountName id={c.accountId} />
                  </Link>
                </td>
                <td>
                  {c.contactId ? (
                    <Link to={`/contacts/${encodeURIComponent(c.contactId)}`}>
                      <ContactName id={c.contactId} />
                    </Link>
                  ) : (
                    '— (the account, a team challenge)'
                  )}
                </td>
                <td className="number">{c.points ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          More completions
        </button>
      )}
    </>
  );
}
