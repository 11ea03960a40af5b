// Live pages at scale: N browsers watch one report (server-sent events, GET /api/v1/live?report=CODE); one change
// is committed in the database; how long until each stream says "changed". Node's fetch streams the answers.
//   node bench/live_fanout.mjs BASE CODE N DB_URL
import { spawnSync } from 'node:child_process';

const [base, code, n = '200', dbUrl] = process.argv.slice(2);
const N = Number(n);
const ready = [];
const got = new Array(N).fill(null);
let t0 = null;
const controllers = [];
for (let i = 0; i < N; i++) {
  const ac = new AbortController();
  controllers.push(ac);
  ready.push(new Promise((resolve, reject) => {
    fetch(`${base}/api/v1/live?report=${code}`, { signal: ac.signal }).then(async (res) => {
      if (res.status !== 200) return reject(new Error(`status ${res.status}`));
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += dec.decode(value);
        if (text.includes('event: ready')) resolve();
        if (t0 !== null && got[i] === null && text.includes('event: changed')) {
          got[i] = performance.now() - t0;
        }
      }
    }).catch((e) => { if (e.name !== 'AbortError') reject(e); });
  }));
}
await Promise.all(ready);
await new Promise((r) => setTimeout(r, 500));
t0 = performance.now();
const upd = spawnSync('psql', ['-X', '-q', dbUrl, '-c', `update report set updated_at = now() where receipt_code = '${code}'`]);
if (upd.status !== 0) throw new Error(String(upd.stderr));
const commit = performance.now() - t0;
const end = Date.now() + 10_000;
while (got.some((g) => g === null) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
const ms = got.filter((g) => g !== null).sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))].toFixed(1);
console.log(`   ${ms.length}/${N} streams told; from the update's start (psql itself took ${commit.toFixed(1)} ms): ` +
  `p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${ms[ms.length - 1].toFixed(1)} ms`);
controllers.forEach((c) => c.abort());
process.exit(ms.length === N ? 0 : 1);
