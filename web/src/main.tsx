// The operator console: one route per screen, each screen its own chunk (loaded when first opened).
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { ProblemError } from './api/client';
import { Layout } from './Layout';
import { SESSION_KEY } from './session';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  // A session that ended (expired, signed out elsewhere) sends the user back to sign in.
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (
        error instanceof ProblemError &&
        error.problem.status === 401 &&
        query.queryKey[0] !== SESSION_KEY[0]
      )
        queryClient.setQueryData(SESSION_KEY, null);
    },
  }),
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 10_000 } },
});

const router = createBrowserRouter(
  [
    { path: '/sign-in', lazy: async () => ({ Component: (await import('./pages/SignIn')).SignIn }) },
    {
      path: '/',
      Component: Layout,
      children: [
        { index: true, element: <Navigate to="/dashboard" replace /> },
        {
          path: 'dashboard',
          lazy: async () => ({ Component: (await import('./pages/Dashboard')).Dashboard }),
        },
        { path: 'accounts', lazy: async () => ({ Component: (await import('./pages/Accounts')).Accounts }) },
        {
          path: 'accounts/:accountId',
          lazy: async () => ({ Component: (await import('./pages/Account')).Account }),
        },
        {
          path: 'contacts/:contactId',
          lazy: async () => ({ Component: (await import('./pages/Contact')).ContactPage }),
        },
        {
          path: 'approvals',
          lazy: async () => ({ Component: (await import('./pages/Approvals')).Approvals }),
        },
        { path: 'rewards', lazy: async () => ({ Component: (await import('./pages/Rewards')).Rewards }) },
        { path: 'rules', lazy: async () => ({ Component: (await import('./pages/Rules')).Rules }) },
        { path: 'events', lazy: async () => ({ Component: (await import('./pages/Events')).Events }) },
        { path: 'tiers', lazy: async () => ({ Component: (await import('./pages/Tiers')).Tiers }) },
        {
          path: 'engagement',
          lazy: async () => ({ Component: (await import('./pages/Engagement')).Engagement }),
        },
        {
          path: 'automations',
          lazy: async () => ({ Component: (await import('./pages/Automations')).Automations }),
        },
        {
          path: 'rewards-owed',
          lazy: async () => ({ Component: (await import('./pages/RewardsOwed')).RewardsOwed }),
        },
        {
          path: 'commissions',
          lazy: async () => ({ Component: (await import('./pages/Commissions')).Commissions }),
        },
        { path: 'insight', lazy: async () => ({ Component: (await import('./pages/Insight')).Insight }) },
        {
          path: 'settings/webhooks',
          lazy: async () => ({ Component: (await import('./pages/Webhooks')).Webhooks }),
        },
        { path: 'settings/jobs', lazy: async () => ({ Component: (await import('./pages/Jobs')).Jobs }) },
        { path: 'settings/users', lazy: async () => ({ Component: (await import('./pages/Users')).Users }) },
        {
          path: 'settings/policies',
          lazy: async () => ({ Component: (await import('./pages/Policies')).Policies }),
        },
        {
          path: 'settings/program',
          lazy: async () => ({ Component: (await import('./pages/Program')).ProgramSettings }),
        },
        {
          path: 'partners',
          lazy: async () => ({ Component: (await import('./pages/Partners')).Partners }),
        },
        {
          path: 'notifications',
          lazy: async () => ({ Component: (await import('./pages/Notifications')).Notifications }),
        },
        { path: 'imports', lazy: async () => ({ Component: (await import('./pages/Imports')).Imports }) },
        {
          path: 'settings',
          lazy: async () => ({ Component: (await import('./pages/Settings')).Settings }),
        },
        { path: '*', lazy: async () => ({ Component: (await import('./pages/NotFound')).NotFound }) },
      ],
    },
  ],
  { basename: '/console' },
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
