// Programs over the API (decision 0024): an operator key creates, lists, reads and archives programs
// and mints their keys; branding is one program setting the portal reads.
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE } from '../support/actor.ts';
import { type TestApi, testApi } from '../support/app.ts';

let api: TestApi;
let operator: string;

beforeAll(async () => {
  api = await testApi();
  operator = (
    await api.services.keys.create(api.a.programId, 'operator', ['operator'], FIXTURE, { operator: true })
  ).secret;
}, 300_000);

describe('programs over the operator API', () => {
  it('creates a program, mints its admin key, and that key runs the new program alone', async () => {
    const made = await api.call(operator, {
      method: 'POST',
      url: '/v1/operator/programs',
      payload: {
        name: 'Travel Club',
        baseCurrency: 'USD',
        timeZone: 'America/New_York',
        defaultLocale: 'en-US',
      },
    });
    expect(made.statusCode, made.body).toBe(201);
    const program = made.json();
    expect(program).toMatchObject({ name: 'Travel Club', baseCurrency: 'USD', archivedAt: null });
    expect(made.headers.location).toBe(`/v1/operator/programs/${program.id}`);

    const minted = await api.call(operator, {
      method: 'POST',
      url: `/v1/operator/programs/${program.id}/keys`,
      payload: { name: 'club admin', scopes: ['admin'] },
    });
    expect(minted.statusCode, minted.body).toBe(201);
    const { secret, key } = minted.json();
    expect(key).toMatchObject({ name: 'club admin', scopes: ['admin'], revokedAt: null });

    const own = await api.call(secret, { method: 'GET', url: '/v1/program' });
    expect(own.json()).toMatchObject({ id: program.id, name: 'Travel Club' });
    const account = await api.call(secret, {
      method: 'POST',
      url: '/v1/accounts',
      payload: { externalId: 'AGENCY-1', name: 'Sunny Travel' },
    });
    expect(account.statusCode, account.body).toBe(201);
    // Program a sees nothing of it.
    const other = await api.call(api.a.read, { method: 'GET', url: '/v1/accounts?externalId=AGENCY-1' });
    expect(other.json().data).toEqual([]);

    const keys = await api.call(operator, { method: 'GET', url: `/v1/operator/programs/${program.id}/keys` });
    expect(keys.json().data.map((k: { id: string }) => k.id)).toEqual([key.id]);

    // Audited in the new program, naming the operator key.
    const audit = await api.call(secret, { method: 'GET', url: '/v1/audit' });
    const actions = audit.json().data.map((r: { action: string; actor: string }) => [r.action, r.actor]);
    const operatorKeyId = (await api.services.keys.authenticate(operator))!.keyId;
    expect(actions).toEqual(
      expect.arrayContaining([
        ['program.create', operatorKeyId],
        ['key.create', operatorKeyId],
      ]),
    );
  });

  it('lists programs in pages, hides archived ones unless asked, and archives once', async () => {
    const made = await api.call(operator, {
      method: 'POST',
      url: '/v1/operator/programs',
      payload: { name: 'To Archive', baseCurrency: 'EUR' },
    });
    const id = made.json().id;
    const { secret } = (
      await api.call(operator, {
        method: 'POST',
        url: `/v1/operator/programs/${id}/keys`,
        payload: { name: 'w', scopes: ['write'] },
      })
    ).json();
    expect((await api.call(secret, { method: 'GET', url: '/v1/accounts' })).statusCode).toBe(200);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.call(operator, {
        method: 'GET',
        url: `/v1/operator/programs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(page.statusCode, page.body).toBe(200);
      expect(page.json().data.length).toBeLessThanOrEqual(2);
      seen.push(...page.json().data.map((p: { id: string }) => p.id));
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen).toContain(api.a.programId);
    expect(seen).toContain(api.b.programId);
    expect(seen).toContain(id);
    expect([...seen].sort()).toEqual(seen);

    const archived = await api.call(operator, { method: 'POST', url: `/v1/operator/programs/${id}/archive` });
    expect(archived.statusCode, archived.body).toBe(200);
    expect(archived.json().archivedAt).toEqual(expect.any(String));
    const again = await api.call(operator, { method: 'POST', url: `/v1/operator/programs/${id}/archive` });
    expect(again.json().archivedAt).toBe(archived.json().archivedAt);

    // Its keys act no more.
    const refused = await api.call(secret, { method: 'GET', url: '/v1/accounts' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('program_archived');

    const active = await api.call(operator, { method: 'GET', url: '/v1/operator/programs?limit=500' });
    expect(active.json().data.map((p: { id: string }) => p.id)).not.toContain(id);
    const all = await api.call(operator, {
      method: 'GET',
      url: '/v1/operator/programs?limit=500&includeArchived=true',
    });
    expect(all.json().data.map((p: { id: string }) => p.id)).toContain(id);
    const one = await api.call(operator, { method: 'GET', url: `/v1/operator/programs/${id}` });
    expect(one.json()).toMatchObject({ id, archivedAt: archived.json().archivedAt });

    // One audit record of the archive, in the archived program.
    const records = (await api.services.audit.list(id, { action: 'program.archive' })).data;
    expect(records).toHaveLength(1);
  });

  it('an operator key also administers its home program', async () => {
    const res = await api.call(operator, { method: 'GET', url: '/v1/keys' });
    expect(res.statusCode).toBe(200);
  });
});

describe('branding, one setting', () => {
  it('takes display name, logo, colours and sender name, and the portal shows them', async () => {
    const res = await api.call(api.b.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: {
        settings: {
          portal: { slug: 'b-club' },
          branding: {
            displayName: 'B Club',
            logoUrl: 'https://cdn.example.com/b.png',
            colors: { primary: '#123456' },
            senderName: 'B Club Team',
          },
        },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const portal = await api.app.inject({ method: 'GET', url: '/portal/api/portals/b-club' });
    expect(portal.json()).toMatchObject({
      name: 'B Club',
      logoUrl: 'https://cdn.example.com/b.png',
      colors: { primary: '#123456', onPrimary: '#ffffff' },
    });
  });

  it("still reads the portal's former branding fields where branding says nothing", async () => {
    const res = await api.call(api.b.admin, {
      method: 'PATCH',
      url: '/v1/program',
      payload: {
        settings: {
          portal: { slug: 'b-club', name: 'Old Name' },
          branding: { colors: { primary: '#654321' } },
        },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const portal = await api.app.inject({ method: 'GET', url: '/portal/api/portals/b-club' });
    expect(portal.json()).toMatchObject({ name: 'Old Name', colors: { primary: '#654321' } });
  });
});
