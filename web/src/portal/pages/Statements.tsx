// Statements: the member's account's month by month (or quarter by quarter) summary (opening, earned,
// adjusted, redeemed, expired, other, closing per unit) for the last year's ended periods, each
// downloadable as the document its e-mail carries (with the earnings by reason, what expires next,
// the tier and the rewards within reach), in the member's language.
import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n';
import { memberApi } from '../member-api';
import { Failed, Loading } from './common';

export function Statements() {
  const i = useI18n();
  const { m } = i;
  const statements = useQuery({ queryKey: ['statements'], queryFn: memberApi.statements });
  if (statements.isPending) return <Loading />;
  if (statements.isError) return <Failed retry={() => statements.refetch()} />;
  const figure = (unit: string, n: number) => (unit === 'points' ? i.plural(m.points, n) : i.money(n, unit));
  return (
    <section aria-labelledby="statements-title">
      <h1 id="statements-title">{m.statements.title}</h1>
      <p className="muted">{m.statements.intro}</p>
      {statements.data.data.length === 0 ? <p className="muted">{m.statements.none}</p> : null}
      <ul className="plain" data-testid="statements">
        {statements.data.data.map((s) => {
          const month = i.month(s.period);
          return (
            <li key={s.period} className="card">
              <h2>{month}</h2>
              {s.lines.map((l) => (
                <dl key={l.unit} className="figures">
                  <dt>{m.statements.opening}</dt>
                  <dd>{figure(l.unit, l.opening)}</dd>
                  <dt>{m.statements.earned}</dt>
                  <dd>{figure(l.unit, l.earned)}</dd>
                  {l.adjusted !== 0 ? (
                    <>
                      <dt>{m.statements.adjusted}</dt>
                      <dd>{figure(l.unit, l.adjusted)}</dd>
                    </>
                  ) : null}
                  <dt>{m.statements.redeemed}</dt>
                  <dd>{figure(l.unit, l.redeemed)}</dd>
                  <dt>{m.statements.expired}</dt>
                  <dd>{figure(l.unit, l.expired)}</dd>
                  {l.other !== 0 ? (
                    <>
                      <dt>{m.statements.movedOther}</dt>
                      <dd>{figure(l.unit, l.other)}</dd>
                    </>
                  ) : null}
                  <dt>{m.statements.closing}</dt>
                  <dd>
                    <strong>{figure(l.unit, l.closing)}</strong>
                  </dd>
                </dl>
              ))}
              <p>
                <a
                  className="download"
                  href={memberApi.statementHref(s.period, i.language)}
                  download={`statement-${s.period}.html`}
                >
                  {i.t(m.statements.download, { month })}
                </a>
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
