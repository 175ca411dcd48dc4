// Reference: the same requests as pathproof's HTTP benchmark, as a plain undici loop.
// Usage: node bench/plain-undici.mjs <baseUrl> <journeys> <concurrency>
import { Agent, request } from 'undici';

const [base, journeysArg, concurrencyArg] = process.argv.slice(2);
const journeys = Number(journeysArg);
const concurrency = Number(concurrencyArg);
const dispatcher = new Agent({ connections: 64 });
let next = 0;
let failures = 0;

async function journey(index) {
  for (const path of ['/api/a', '/api/b', `/api/items/${index}`]) {
    const res = await request(`${base}${path}`, { dispatcher });
    const body = await res.body.json();
    if (res.statusCode !== 200 || body.ok !== true) failures += 1;
  }
}
async function worker() {
  while (next < journeys) await journey(next++);
}
await Promise.all(Array.from({ length: concurrency }, worker));
await dispatcher.close();
if (failures > 0) {
  console.error(`${failures} failures`);
  process.exit(1);
}
