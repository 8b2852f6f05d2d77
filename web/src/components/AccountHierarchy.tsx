// An account's place in the hierarchy (its parents and children) and its relationships (decision 0033).
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { More, Section, usePaged, When } from './AccountSections';
import { AccountName } from './Names';
import { ProblemAlert } from './Problem';

type Account = Schemas['Account'];
type TreeNode = Schemas['AccountTreeNode'];

/** The account's place: its group above it, its subsidiaries and sites below, each a link. */
function Tree({ node, current }: { node: TreeNode; current: string }) {
  const here = node.account.id === current;
  return (
    <li>
      {here ? (
        <strong aria-current="page">{node.account.name}</strong>
      ) : (
        <Link to={`/accounts/${encodeURIComponent(node.account.id)}`}>{node.account.name}</Link>
      )}
      {node.account.externalId && <span className="muted"> {node.account.externalId}</span>}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <Tree key={c.account.id} node={c} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function Hierarchy({ account }: { account: Account }) {
  const tree = useQuery({
    queryKey: ['account-tree', account.id],
    queryFn: () =>
      data(api.GET('/v1/accounts/{accountId}/tree', { params: { path: { accountId: account.id } } })),
  });
  const relationships = usePaged(['account-relationships', account.id], (cursor) =>
    data(
      api.GET('/v1/relationships', {
        params: { query: { account: account.id, limit: 20, ...(cursor && { cursor }) } },
      }),
    ),
  );
  // The ancestors wrap the subtree: the top group first, down to the account and below it.
  const nested =
    tree.data &&
    [...tree.data.ancestors]
      .reverse()
      .reduce<TreeNode>((child, ancestor) => ({ account: ancestor, children: [child] }), tree.data.tree);
  return (
    <Section id="hierarchy" title="Hierarchy and relationships">
      <ProblemAlert error={tree.error} />
      {tree.isPending && <p className="loading">Loading…</p>}
      {nested && (
        <>
          {tree.data.ancestors.length === 0 && tree.data.tree.children.length === 0 ? (
            <p>Neither part of a group nor a group: no account above or below it.</p>
          ) : (
            <ul className="tree" aria-label="Account hierarchy">
              <Tree node={nested} current={account.id} />
            </ul>
          )}
          {tree.data.truncated && <p className="muted">The subtree is cut at the API’s size limit.</p>}
        </>
      )}
      <h3>Relationships</h3>
      <ProblemAlert error={relationships.query.error} />
      {relationships.query.isPending ? (
        <p className="loading">Loading…</p>
      ) : relationships.rows.length === 0 ? (
        <p>No relationship with another account.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Relationships with other accounts</caption>
          <thead>
            <tr>
              <th scope="col">Relationship</th>
              <th scope="col">Account</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">Active</th>
            </tr>
          </thead>
          <tbody>
            {relationships.rows.map((r) => {
              const manages = r.fromAccountId === account.id;
              const other = manages ? r.toAccountId : r.fromAccountId;
              return (
                <tr key={r.id}>
                  <td>{manages ? 'manages' : 'managed by'}</td>
                  <td>
                    <Link to={`/accounts/${encodeURIComponent(other)}`}>
                      <AccountName id={other} />
                    </Link>
                  </td>
                  <td>
                    <When at={r.startsAt} />
                  </td>
                  <td>
                    <When at={r.endsAt} />
                  </td>
                  <td>{r.active ? 'yes' : 'no'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <More query={relationships.query} label="More relationships" />
    </Section>
  );
}
