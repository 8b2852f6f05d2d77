// autocannon single events with unique ids
import autocannon from 'autocannon';
const KEY = 'bench_0123456789abcdef0123456789abcdef'; let n = 0; const now = Date.now(); const prefix = process.argv[3] ?? ('r' + now);
const inst = autocannon({ url: 'http://localhost:4555/v1/events', method: 'POST', connections: 16, duration: +process.argv[2], headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
  requests: [{ setupRequest: (r) => { n++; const account = `A${(n * 7919) % 10000}`; const body = n % 5 === 0 ? { id: `${prefix}-${n}`, type: 'invoice.paid', account, occurredAt: new Date(now - 60000 - (n % 1000) * 1000).toISOString(), amount: '12.50', currency: 'EUR' } : { id: `${prefix}-${n}`, type: 'purchase', account, occurredAt: new Date(now - 60000 - (n % 1000) * 1000).toISOString(), amount: '33.10', currency: 'EUR' }; return { ...r, body: JSON.stringify(body) }; } }] });
const r = await inst; console.log('req/s', r.requests.average, 'non2xx', r.non2xx, 'p50', r.latency.p50, 'p97.5', r.latency.p97_5);
