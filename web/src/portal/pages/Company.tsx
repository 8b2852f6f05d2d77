// The company view (for the roles the program lets see it): the group's points wallets, who earned
// what over the last year, and the redemptions waiting for this member's approval, decided here
// through the same rules as the API (approver roles, never one's own request, each approver once).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemError } from '../../api/client';
import { useI18n } from '../i18n';
import { memberApi } from '../member-api';
import { Failed, Loading } from './common';

export function Company() {
  const i = useI18n();
  const { m } = i;
  const queryClient = useQueryClient();
  const [message, setMessage] = useState('');
  const company = useQuery({
    queryKey: ['company', i.language],
    queryFn: () => memberApi.company(i.language),
    refetchInterval: 10_000,
  });
  const decide = useMutation({
    mutationFn: (v: { id: string; decision: 'approve' | 'reject'; reward: string }) =>
      memberApi.decide(v.id, v.decision),
    onSuccess: (_, v) => {
      setMessage(
        i.t(v.decision === 'approve' ? m.company.approved : m.company.rejected, { reward: v.reward }),
      );
      for (const key of ['company', 'home', 'mine', 'history'])
        queryClient.invalidateQueries({ queryKey: [key] });
    },
    onError: (error) =>
      setMessage(
        error instanceof ProblemError && error.problem.code === 'approver_not_allowed'
          ? m.company.notAllowed
          : m.failed,
      ),
  });
  if (company.isPending) return <Loading />;
  if (company.isError) return <Failed retry={() => company.refetch()} />;
  const c = company.data;
  return (
    <>
      <section className="card" aria-labelledby="company-title">
        <h1 id="company-title">{m.company.title}</h1>
        <p className="muted">
          <bdi>{c.group.name}</bdi>
        </p>
        <h2>{c.pooling === 'group' ? m.company.pooledWallet : m.company.wallets}</h2>
        <ul className="plain" data-testid="wallets">
          {c.wallets.map((w) => (
            <li key={w.accountId} className="line">
              <span className="line-what">
                <bdi>{w.accountName}</bdi>
              </span>
              <span className="line-figures">
                <strong>{i.plural(m.points, w.available)}</strong>
                {w.pending > 0 || w.held > 0 ? (
                  <span className="muted small">
                    {m.home.pending} {i.number(w.pending)} · {m.home.held} {i.number(w.held)}
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="earned-title">
        <h2 id="earned-title">{m.company.earnedTitle}</h2>
        <p className="muted small">{i.t(m.company.earnedSince, { date: i.date(c.earned.since) })}</p>
        {c.earned.data.length === 0 ? (
          <p className="muted">{m.company.earnedNone}</p>
        ) : (
          <ol className="plain" data-testid="earners">
            {c.earned.data.map((e) => (
              <li key={`${e.accountId}:${e.contactId ?? ''}`} className="line">
                <span className="line-what">
                  <span>
                    <bdi>{e.contactName ?? m.company.noContact}</bdi>
                  </span>
                  <span className="muted small">
                    <bdi>{e.accountName}</bdi>
                  </span>
                </span>
                <span className="line-figures plus">{i.plural(m.points, e.earned)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section className="card" aria-labelledby="approvals-title">
        <h2 id="approvals-title">{m.company.approvalsTitle}</h2>
        <p role="status" className="notice" data-testid="decision-status">
          {message}
        </p>
        {!c.approver ? (
          <p className="muted">{m.company.notApprover}</p>
        ) : c.approvals.length === 0 ? (
          <p className="muted">{m.company.approvalsNone}</p>
        ) : (
          <ul className="plain" data-testid="approvals">
            {c.approvals.map((a) => (
              <li key={a.id} className="line approval" aria-labelledby={`approval-${a.id}`}>
                <span className="line-what">
                  <strong id={`approval-${a.id}`}>
                    <bdi>{a.rewardName}</bdi>
                  </strong>
                  <span className="small">{i.plural(m.points, a.price.amount)}</span>
                  <span className="muted small">
                    {i.t(m.company.requestedBy, {
                      name: a.requestedBy ?? m.company.staff,
                      date: i.date(a.createdAt),
                    })}
                  </span>
                  {a.note ? (
                    <span className="muted small">
                      <bdi>“{a.note}”</bdi>
                    </span>
                  ) : null}
                </span>
                <span className="actions">
                  <button
                    type="button"
                    disabled={decide.isPending}
                    aria-describedby={`approval-${a.id}`}
                    onClick={() => decide.mutate({ id: a.id, decision: 'approve', reward: a.rewardName })}
                  >
                    {m.company.approve}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={decide.isPending}
                    aria-describedby={`approval-${a.id}`}
                    onClick={() => decide.mutate({ id: a.id, decision: 'reject', reward: a.rewardName })}
                  >
                    {m.company.reject}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
