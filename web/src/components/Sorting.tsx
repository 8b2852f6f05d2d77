// Sortable column headers (decision 0038). A header is a button in a `<th aria-sort>`: pressed once it
// sorts ascending, again descending, a third time back to the list's own order. Two kinds:
// - `useServerSort`: the API sorts (the accounts list's `sort` parameter), the order kept in the URL;
// - `useLoadedSort`: the API lists in one order only, so the rows loaded so far are sorted in the
//   browser, and `LoadedSortNote` says so (a row not loaded yet is not placed).
import { type ReactNode, useState } from 'react';

export interface Sort {
  key: string;
  descending: boolean;
}

/** The next state of a header pressed: ascending, descending, then none. */
function next(current: Sort | null, key: string): Sort | null {
  if (current?.key !== key) return { key, descending: false };
  return current.descending ? null : { key, descending: true };
}

export function SortHeader({
  label,
  sortKey,
  sort,
  onSort,
  className,
}: {
  label: ReactNode;
  sortKey: string;
  sort: Sort | null;
  onSort: (sort: Sort | null) => void;
  className?: string;
}) {
  const active = sort?.key === sortKey;
  const direction = active ? (sort.descending ? 'descending' : 'ascending') : undefined;
  return (
    <th scope="col" className={className} aria-sort={direction}>
      <button type="button" className="sort" onClick={() => onSort(next(sort, sortKey))}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'}
        </span>
      </button>
    </th>
  );
}

type Value = string | number | null | undefined;

/** Rows sorted in the browser by one of `keys` (null and undefined last, names by the user's locale). */
export function useLoadedSort<T>(rows: T[], keys: Record<string, (row: T) => Value>) {
  const [sort, setSort] = useState<Sort | null>(null);
  const keyOf = sort ? keys[sort.key] : undefined;
  let sorted = rows;
  if (sort && keyOf) {
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    sorted = [...rows].sort((x, y) => {
      const a = keyOf(x);
      const b = keyOf(y);
      if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1;
      const order =
        typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
      return sort.descending ? -order : order;
    });
  }
  const header = (sortKey: string, label: ReactNode, className?: string) => (
    <SortHeader label={label} sortKey={sortKey} sort={sort} onSort={setSort} className={className} />
  );
  return { rows: sorted, sort, header };
}

/** Said under a table sorted in the browser: only the loaded rows are in that order. */
export function LoadedSortNote({ sort, count, more }: { sort: Sort | null; count: number; more: boolean }) {
  if (!sort) return null;
  return (
    <p className="muted" role="status">
      Sorted here, among the {count} loaded{more ? ' (load more to sort them too)' : ''}; the API lists them
      in one order only.
    </p>
  );
}
