import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, FidelisError, fieldError, invalid } from './errors.ts';

describe('FidelisError', () => {
  it('carries the code, the status of the catalog, and a detail (the title when none is given)', () => {
    const e = new FidelisError('account_not_found');
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      name: 'FidelisError',
      code: 'account_not_found',
      status: 404,
      detail: ERROR_CATALOG.account_not_found.title,
      message: ERROR_CATALOG.account_not_found.title,
      extra: {},
    });
    const detailed = new FidelisError('insufficient_balance', 'Wallet acc_1 holds 10 points', { missing: 5 });
    expect(detailed).toMatchObject({
      status: 422,
      detail: 'Wallet acc_1 holds 10 points',
      message: 'Wallet acc_1 holds 10 points',
      extra: { missing: 5 },
    });
  });
});

describe('field errors', () => {
  it('names each field at fault by a JSON pointer into the input, keeping other extras', () => {
    const e = fieldError(
      'ladder_invalid',
      'Ladder is not valid',
      { 'tiers/0/code': 'is used twice', '/window': 'is unknown' },
      { ladder: 'tld_1' },
    );
    expect(e).toMatchObject({ code: 'ladder_invalid', status: 422, detail: 'Ladder is not valid' });
    expect(e.extra).toEqual({
      ladder: 'tld_1',
      errors: [
        { path: '/tiers/0/code', message: 'is used twice' },
        { path: '/window', message: 'is unknown' },
      ],
    });
  });

  it('says validation_failed with invalid()', () => {
    const e = invalid('The request is not valid', { 'a/b': 'must be a number' });
    expect(e).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(e.extra).toEqual({ errors: [{ path: '/a/b', message: 'must be a number' }] });
  });
});
