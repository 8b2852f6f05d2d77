// One contact (a person at a member company), read from GET /v1/contacts/{id} (decision 0038): name,
// e-mail, role, language, birthday, the opt-ins (statements, marketing) and the e-mail opt-out
// (GET /v1/contacts/{id}/notification-opt-out), and its account. A role with the write scope edits
// it (PATCH, its refusals at their fields), opts it out of e-mail or back in, and mints a one-time
// portal sign-in link for it (POST /v1/portal/sessions), and deactivates it when the person leaves
// (POST /v1/contacts/{id}/deactivate: no portal, no mail, history kept) or makes it active again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data, type Schemas } from '../api/client';
import { formErrors, pointerIn } from '../components/Fields';
import { AccountName } from '../components/Names';
import { ProblemAlert } from '../components/Problem';
import { formatDate, formatDateTime } from '../format';
import { can, useSession } from '../session';

type Contact = Schemas['Contact'];
type Role = Contact['role'];
const ROLES: Role[] = ['owner', 'admin', 'buyer', 'approver', 'viewer'];
const FIELDS = ['name', 'email', 'role', 'locale', 'birthday', 'statementOptIn', 'marketingOptIn'];

export function ContactPage() {
  const contactId = useParams().contactId!;
  const session = useSession();
  const writes = can(session, 'write');
  const [editing, setEditing] = useState(false);
  const contact = useQuery({
    queryKey: ['contact', contactId],
    queryFn: () => data(api.GET('/v1/contacts/{contactId}', { params: { path: { contactId } } })),
  });
  useEffect(() => {
    if (contact.data) document.title = `${contact.data.name ?? contact.data.email} · Fidelis console`;
  }, [contact.data]);
  if (contact.isPending) return <p className="loading">Loading…</p>;
  if (contact.isError)
    return (
      <>
        <h1>Contact</h1>
        <ProblemAlert error={contact.error} />
        <Link to="/accounts">Back to the accounts</Link>
      </>
    );
  const c = contact.data;
  const account = `/accounts/${encodeURIComponent(c.accountId)}`;
  return (
    <>
      <p className="crumbs">
        <Link to="/accounts">Accounts</Link> ›{' '}
        <Link to={account}>
          <AccountName id={c.accountId} />
        </Link>{' '}
        › Contacts ›
      </p>
      <h1>{c.name ?? c.email}</h1>
      <dl className="facts" aria-label="The contact">
        <dt>E-mail</dt>
        <dd data-testid="contact-email">{c.email}</dd>
        <dt>Role</dt>
        <dd data-testid="contact-role">{c.role}</dd>
        <dt>Language</dt>
        <dd data-testid="contact-locale">{c.locale ?? '— (the program’s)'}</dd>
        <dt>Birthday</dt>
        <dd>{c.birthday ?? '—'}</dd>
        <dt>Statements by e-mail</dt>
        <dd data-testid="contact-statements">{c.statementOptIn ? 'yes' : 'no'}</dd>
        <dt>Marketing</dt>
        <dd data-testid="contact-marketing">{c.marketingOptIn ? 'yes' : 'no'}</dd>
        <dt>Account</dt>
        <dd>
          <Link to={account}>
            <AccountName id={c.accountId} />
          </Link>
        </dd>
        <dt>Since</dt>
        <dd>
          <time dateTime={c.createdAt}>{formatDate(c.createdAt)}</time>
        </dd>
        <dt>State</dt>
        <dd data-testid="contact-state">
          {c.active ? 'active' : 'deactivated'}
          {c.deactivatedAt && (
            <>
              {' '}
              since <time dateTime={c.deactivatedAt}>{formatDate(c.deactivatedAt)}</time>
            </>
          )}
        </dd>
      </dl>
      <OptOut contact={c} writes={writes} />
      {writes ? (
        editing ? (
          <ContactForm key={c.updatedAt} contact={c} onDone={() => setEditing(false)} />
        ) : (
          <p>
            <button type="button" onClick={() => setEditing(true)}>
              Edit the contact
            </button>
          </p>
        )
      ) : (
        <p className="note" role="note">
          Your role ({session.user.role}) may look at contacts but not change them.
        </p>
      )}
      {writes && c.active && <PortalLink contact={c} />}
      {writes && <Activation contact={c} />}
    </>
  );
}

/** Whether the contact gets e-mail at all (notices and statements), and the switch. */
function OptOut({ contact, writes }: { contact: Contact; writes: boolean }) {
  const client = useQueryClient();
  const path = { contactId: contact.id };
  const state = useQuery({
    queryKey: ['contact-opt-out', contact.id],
    queryFn: () => data(api.GET('/v1/contacts/{contactId}/notification-opt-out', { params: { path } })),
  });
  const change = useMutation({
    mutationFn: (optOut: boolean) =>
      data(
        optOut
          ? api.PUT('/v1/contacts/{contactId}/notification-opt-out', { params: { path } })
          : api.DELETE('/v1/contacts/{contactId}/notification-opt-out', { params: { path } }),
      ),
    onSuccess: (answer) => client.setQueryData(['contact-opt-out', contact.id], answer),
  });
  return (
    <section aria-labelledby="opt-out-title">
      <h2 id="opt-out-title">E-mail</h2>
      <ProblemAlert error={state.error} />
      {state.data && (
        <p data-testid="contact-opt-out">
          {state.data.optedOut
            ? 'Opted out: the program sends this contact no e-mail (neither notices nor statements).'
            : 'Receives the program’s e-mail (the notices of its role, and statements when opted in).'}
        </p>
      )}
      {writes && state.data && (
        <button type="button" disabled={change.isPending} onClick={() => change.mutate(!state.data.optedOut)}>
          {state.data.optedOut ? 'Send e-mail again' : 'Opt out of every e-mail'}
        </button>
      )}
      <ProblemAlert error={change.error} />
    </section>
  );
}

function ContactForm({ contact, onDone }: { contact: Contact; onDone: () => void }) {
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (form: FormData) => {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      return data(
        api.PATCH('/v1/contacts/{contactId}', {
          params: { path: { contactId: contact.id } },
          body: {
            email: text('email'),
            name: text('name') || null,
            role: text('role') as Role,
            locale: text('locale') || null,
            birthday: text('birthday') || null,
            statementOptIn: form.get('statementOptIn') === 'on',
            marketingOptIn: form.get('marketingOptIn') === 'on',
          },
        }),
      );
    },
    onSuccess: (saved) => {
      client.setQueryData(['contact', contact.id], saved);
      client.invalidateQueries({ queryKey: ['account-contacts', contact.accountId] });
      onDone();
    },
  });
  const errors = formErrors(
    save.error,
    (path) => {
      const [first] = pointerIn(path).split('/').filter(Boolean);
      return first && FIELDS.includes(first) ? first : undefined;
    },
    'contact',
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(new FormData(event.currentTarget));
  };
  return (
    <section aria-labelledby="contact-form-title">
      <h2 id="contact-form-title">Edit the contact</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <label htmlFor="contact-name">Full name</label>
        <input {...errors.field('name')} defaultValue={contact.name ?? ''} />
        {errors.errorsAt('name')}
        <label htmlFor="contact-email">E-mail address</label>
        <input {...errors.field('email')} type="email" defaultValue={contact.email} />
        {errors.errorsAt('email')}
        <label htmlFor="contact-role">Role at the company</label>
        <select {...errors.field('role')} defaultValue={contact.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        {errors.errorsAt('role')}
        <label htmlFor="contact-locale">Language (a BCP 47 tag such as de-CH; empty: the program’s)</label>
        <input {...errors.field('locale')} defaultValue={contact.locale ?? ''} />
        {errors.errorsAt('locale')}
        <label htmlFor="contact-birthday">Birthday (YYYY-MM-DD)</label>
        <input {...errors.field('birthday')} defaultValue={contact.birthday ?? ''} />
        {errors.errorsAt('birthday')}
        <label>
          <input
            type="checkbox"
            {...errors.field('statementOptIn')}
            defaultChecked={contact.statementOptIn}
          />{' '}
          Monthly statements by e-mail
        </label>
        <label>
          <input
            type="checkbox"
            {...errors.field('marketingOptIn')}
            defaultChecked={contact.marketingOptIn}
          />{' '}
          Marketing messages
        </label>
        {errors.alert}
        <span className="actions">
          <button type="submit" disabled={save.isPending}>
            Save the contact
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </span>
      </form>
    </section>
  );
}

/** Deactivates a contact who left (no portal, no mail, history kept), or makes it active again. */
function Activation({ contact }: { contact: Contact }) {
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (active: boolean) =>
      data(
        api.POST(active ? '/v1/contacts/{contactId}/reactivate' : '/v1/contacts/{contactId}/deactivate', {
          params: { path: { contactId: contact.id } },
        }),
      ),
    onSuccess: (answer) => client.setQueryData(['contact', contact.id], answer),
  });
  return (
    <section aria-labelledby="activation-title">
      <h2 id="activation-title">{contact.active ? 'Leaving the company' : 'Deactivated'}</h2>
      <p>
        {contact.active
          ? 'Deactivate a contact who left: they can no longer sign in to the portal (a session open now ends), get no e-mail and count for no birthday. Their history stays; this is audited.'
          : 'This contact signs in to no portal and gets no e-mail. Make them active again if they came back.'}
      </p>
      <button type="button" disabled={change.isPending} onClick={() => change.mutate(!contact.active)}>
        {contact.active ? 'Deactivate the contact' : 'Make the contact active again'}
      </button>
      <ProblemAlert error={change.error} />
    </section>
  );
}

/** A one-time link that signs the contact in to the member portal (opens once, within 5 minutes). */
function PortalLink({ contact }: { contact: Contact }) {
  const mint = useMutation({
    mutationFn: () => data(api.POST('/v1/portal/sessions', { body: { contact: contact.id } })),
  });
  return (
    <section aria-labelledby="portal-link-title">
      <h2 id="portal-link-title">Member portal</h2>
      <p>
        A one-time link signs this contact in to the portal, as the operator’s own site does for a member
        already signed in there. It opens once, within 5 minutes; making one is audited.
      </p>
      <button type="button" disabled={mint.isPending} onClick={() => mint.mutate()}>
        Make a portal sign-in link
      </button>
      <ProblemAlert error={mint.error} />
      {mint.data && (
        <p role="status">
          Link for {contact.email}, valid until{' '}
          <time dateTime={mint.data.expiresAt}>{formatDateTime(mint.data.expiresAt)}</time>:{' '}
          <input
            aria-label="Portal sign-in link"
            readOnly
            value={mint.data.url}
            data-testid="portal-link"
            size={60}
          />{' '}
          <button type="button" onClick={() => navigator.clipboard?.writeText(mint.data.url)}>
            Copy the link
          </button>
        </p>
      )}
    </section>
  );
}
