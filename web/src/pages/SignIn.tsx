// Sign-in: e-mail and password; a refusal shows the API's problem (the same for any wrong pair).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { api, data, setCsrfToken } from '../api/client';
import { ProblemAlert } from '../components/Problem';
import { SESSION_KEY, useSessionQuery } from '../session';

export function SignIn() {
  const session = useSessionQuery();
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/dashboard';
  const email = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · Fidelis console';
  }, []);
  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string }) => data(api.POST('/console/session', { body })),
    onSuccess: (signedIn) => {
      setCsrfToken(signedIn.csrfToken);
      client.setQueryData(SESSION_KEY, signedIn);
      navigate(from, { replace: true });
    },
    onError: () => email.current?.focus(),
  });
  if (session.data) return <Navigate to={from} replace />;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    signIn.mutate({ email: String(form.get('email')), password: String(form.get('password')) });
  };
  return (
    <main id="main" className="narrow sign-in">
      <h1>Sign in to the Fidelis console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-problem">
        <label htmlFor="email">E-mail</label>
        <input id="email" name="email" type="email" autoComplete="username" required ref={email} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div id="sign-in-problem">
        <ProblemAlert error={signIn.error} />
      </div>
    </main>
  );
}
