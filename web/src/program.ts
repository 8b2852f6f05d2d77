// The signed-in user's program (GET /v1/program), read once and shared with the header: screens that
// show base-currency amounts ask it for the currency.
import { useQuery } from '@tanstack/react-query';
import { api, data } from './api/client';

export function useProgram() {
  return useQuery({ queryKey: ['program'], staleTime: 300_000, queryFn: () => data(api.GET('/v1/program')) });
}

/** The program's base currency, once known. */
export const useBaseCurrency = (): string | undefined => useProgram().data?.baseCurrency;
