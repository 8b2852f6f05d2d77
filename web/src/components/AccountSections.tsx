// The sections of an account's page share these: a list paged by cursor with its "More …" button, an
// instant in the user's locale, and a section with its heading (decision 0033).
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime } from '../format';

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A list the API pages by cursor: its rows so far, and the query (for "More …"). */
export function usePaged<T>(key: unknown[], fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const query = useInfiniteQuery({
    queryKey: key,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  return { query, rows: query.data?.pages.flatMap((p) => p.data) ?? [] };
}

export function More({
  query,
  label,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  label: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <button type="button" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
      {label}
    </button>
  );
}

/** An instant shown in the user's locale, its ISO value kept in `dateTime` (for tools and tests). */
export function When({ at, time = false }: { at: string | null | undefined; time?: boolean }) {
  if (!at) return <>—</>;
  return <time dateTime={at}>{time ? formatDateTime(at) : formatDate(at)}</time>;
}

export function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-title`} className="account-section">
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}
