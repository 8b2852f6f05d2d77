// The signed-in user: read once from GET /console/session (which also gives the CSRF token), set by
// sign-in, cleared by sign-out. Screens ask `can(…)` to hide what the role may not do; the API
// refuses it anyway.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { api, data, ProblemError, type Schemas, setCsrfToken } from './api/client';

export type ConsoleSession = Schemas['ConsoleSession'];
export type Role = Schemas['ConsoleUser']['role'];

const SessionContext = createContext<ConsoleSession | null>(null);

export const SESSION_KEY = ['console-session'];

/** The current session, or null when nobody is signed in. */
export function useSessionQuery() {
  return useQuery({
    queryKey: SESSION_KEY,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: async () => {
      try {
        const session = await data(api.GET('/console/session'));
        setCsrfToken(session.csrfToken);
        return session;
      } catch (error) {
        if (error instanceof ProblemError && error.problem.status === 401) return null;
        throw error;
      }
    },
  });
}

export function SessionProvider({ session, children }: { session: ConsoleSession; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

const MAY: Record<'approve' | 'write' | 'admin', Role[]> = {
  approve: ['approver', 'manager', 'admin', 'owner'],
  // The roles of the write and admin scopes (core/access.ts ROLE_SCOPES).
  write: ['manager', 'admin', 'owner'],
  admin: ['admin', 'owner'],
};

/**
 * What the signed-in role may do (mirrors core/access.ts; the API decides): decide approvals, or
 * call the routes of the write or admin scope.
 */
export function can(session: ConsoleSession, action: 'approve' | 'write' | 'admin'): boolean {
  return MAY[action].includes(session.user.role);
}

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api.DELETE('/console/session');
    setCsrfToken(undefined);
    client.clear();
    client.setQueryData(SESSION_KEY, null);
  };
}
