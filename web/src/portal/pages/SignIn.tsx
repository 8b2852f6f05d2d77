// Signing in by e-mail (decision 0029): the member types their address and gets a one-time link by
// e-mail if it is a member's. The page says the same whatever the address: the server tells nothing.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ProblemError } from '../../api/client';
import { useI18n } from '../i18n';
import { memberApi } from '../member-api';

export function SignIn({ slug }: { slug: string }) {
  const { m } = useI18n();
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const send = useMutation({
    mutationFn: () => memberApi.mailLink(slug, email.trim()),
    onSuccess: () => setMessage(m.signIn.sent),
    onError: (error) => {
      const status = error instanceof ProblemError ? error.problem.status : 0;
      setMessage(status === 429 ? m.signIn.tooMany : status === 400 ? m.signIn.invalid : m.failed);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMessage('');
    send.mutate();
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{m.signIn.title}</h2>
      <label className="field">
        {m.signIn.email}
        <input
          type="email"
          name="email"
          autoComplete="email"
          required
          maxLength={254}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <button type="submit" disabled={send.isPending}>
        {send.isPending ? m.signIn.sending : m.signIn.send}
      </button>
      <p className="notice" role="status" data-testid="sign-in-status">
        {message}
      </p>
    </form>
  );
}
