// The frame of every signed-in screen: a skip link, the header with the user and sign-out, the
// navigation, and the screen. Without a session it sends the user to sign in.
import { useQuery } from '@tanstack/react-query';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api, data } from './api/client';
import { ProblemAlert } from './components/Problem';
import { SessionProvider, useSessionQuery, useSignOut } from './session';

export function Layout() {
  const session = useSessionQuery();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const program = useQuery({
    queryKey: ['program'],
    enabled: !!session.data,
    staleTime: 300_000,
    queryFn: () => data(api.GET('/v1/program')),
  });
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError)
    return (
      <main id="main" className="narrow">
        <ProblemAlert error={session.error} />
      </main>
    );
  if (!session.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  const { user } = session.data;
  return (
    <SessionProvider session={session.data}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">
          Fidelis{program.data && <span className="program"> · {program.data.name}</span>}
        </span>
        <nav aria-label="Main">
          <NavLink to="/dashboard">Dashboard</NavLink>
          <NavLink to="/accounts">Accounts</NavLink>
          <NavLink to="/events">Events</NavLink>
          <NavLink to="/approvals">Approvals</NavLink>
          <NavLink to="/rewards">Rewards</NavLink>
          <NavLink to="/rules">Rules</NavLink>
          <NavLink to="/tiers">Tiers</NavLink>
          <NavLink to="/engagement">Engagement</NavLink>
          <NavLink to="/automations">Automations</NavLink>
          <NavLink to="/rewards-owed">Rewards owed</NavLink>
          <NavLink to="/partners">Partners</NavLink>
          <NavLink to="/commissions">Commissions</NavLink>
          <NavLink to="/insight">Insight</NavLink>
          <NavLink to="/notifications">Notifications</NavLink>
          <NavLink to="/imports">Imports</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <span className="user">
          {user.name ?? user.email} <span className="role">({user.role})</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            await signOut();
            navigate('/sign-in');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </SessionProvider>
  );
}
