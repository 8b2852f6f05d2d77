import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
beforeAll(async () => {
  api = await testApi();
});

describe('accounts', () => {
  it('creates, reads by id and externalId, updates and lists accounts', async () => {
    const created = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: {
        externalId: 'CRM-1',
        name: 'Acme Group',
        segment: 'hospitality',
        country: 'NL',
        preferredCurrency: 'EUR',
      },
    });
    expect(created.statusCode).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({
      externalId: 'CRM-1',
      name: 'Acme Group',
      status: 'enrolled',
      parentId: null,
    });
    expect(account.id).toMatch(/^acc_/);
    expect(created.headers.location).toBe(`/v1/accounts/${account.id}`);

    const byId = await api.call(api.a.read, { method: 'GET', url: `/v1/accounts/${account.id}` });
    const byExternal = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/CRM-1' });
    expect(byId.json()).toEqual(account);
    expect(byExternal.json()).toEqual(account);

    const child = await api.call(api.a.write, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'CRM-1-A', name: 'Acme Amsterdam', parentId: 'CRM-1' },
    });
    expect(child.statusCode).toBe(201);
    expect(child.json().parentId).toBe(account.id);

    const updated = await api.call(api.a.write, {
      method: 'PATCH',
      url: '/v1/accounts/CRM-1-A',
      payload: { status: 'suspended', attributes: { region: 'north' } },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ status: 'suspended', attributes: { region: 'north' } });

    const list = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?parentId=CRM-1' });
    expect(list.json().data.map((a: { externalId: string }) => a.externalId)).toEqual(['CRM-1-A']);

    const tree = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts/CRM-1/tree' });
    expect(tree.statusCode).toBe(200);
    expect(tree.json().tree.children[0].account.externalId).toBe('CRM-1-A');
  });

  it('pages through accounts with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts',
        payload: { name: `Page ${i}`, segment: 'paging' },
      });
      expect(r.statusCode).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call(api.a.read, {
        method: 'GET',
        url: `/v1/accounts?segment=paging&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(page.statusCode).toBe(200);
      const body = page.json();
      seen.push(...body.data.map((a: { name: string }) => a.name));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Page 0', 'Page 1', 'Page 2', 'Page 3', 'Page 4']);
  });

  it('sorts the list by name (ignoring case) or by creation, paged without skipping equal names', async () => {
    // Names that tie (twice "beta") and differ only in case: the pages continue after (name, id).
    const names = ['delta', 'Alpha', 'beta', 'Charlie', 'beta', 'echo'];
    const ids: string[] = [];
    for (const name of names) {
      const r = await api.call(api.a.write, {
        method: 'POST',
        url: '/v1/accounts',
        payload: { name, segment: 'sorting' },
      });
      expect(r.statusCode).toBe(201);
      ids.push(r.json().id);
    }
    const all = async (sort: string, program = api.a) => {
      const seen: { id: string; name: string }[] = [];
      let cursor: string | null = null;
      do {
        const page = await api.call(program.read, {
          method: 'GET',
          url: `/v1/accounts?segment=sorting&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        });
        expect(page.statusCode, page.body).toBe(200);
        const body = page.json();
        seen.push(...body.data.map((a: { id: string; name: string }) => ({ id: a.id, name: a.name })));
        cursor = body.nextCursor;
      } while (cursor);
      return seen;
    };
    const byName = await all('name');
    expect(byName.map((a) => a.name)).toEqual(['Alpha', 'beta', 'beta', 'Charlie', 'delta', 'echo']);
    // The two "beta" in id order, each once.
    expect(byName.slice(1, 3).map((a) => a.id)).toEqual([ids[2], ids[4]].sort());
    expect((await all('-name')).map((a) => a.id)).toEqual(byName.map((a) => a.id).reverse());
    expect((await all('createdAt')).map((a) => a.id)).toEqual(ids);
    expect((await all('-createdAt')).map((a) => a.id)).toEqual([...ids].reverse());
    // Another program's list, sorted, holds none of them.
    expect(await all('name', api.b)).toEqual([]);
    // An unknown order is refused at its parameter.
    const refused = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?sort=balance' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('validation_failed');
    expect(refused.json().errors.map((e: { path: string }) => e.path)).toContain('/querystring/sort');
  });
});
