// Reads Lighthouse's JSON reports and prints, for each page, the four
// category scores, the targets it misses and the audits that fail (score
// under 0.9, which Lighthouse's own report shows as not passed), then exits
// 1 when any page misses a target.
//
// Usage: node report.mjs PAGE=REPORT.json ...  (several reports of one page
// are runs of it: the run with the median performance score is reported,
// the lower middle one of an even number)
import { readFileSync } from 'node:fs';

const targets = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 95 };

const runs = new Map();
for (const arg of process.argv.slice(2)) {
  const at = arg.lastIndexOf('=');
  const page = arg.slice(0, at);
  const report = JSON.parse(readFileSync(arg.slice(at + 1), 'utf8'));
  if (!runs.has(page)) runs.set(page, []);
  runs.get(page).push(report);
}

const score = (report, id) => Math.round((report.categories[id]?.score ?? 0) * 100);

let missed = false;
for (const [page, reports] of runs) {
  const sorted = [...reports].sort((a, b) => score(a, 'performance') - score(b, 'performance'));
  const r = sorted[Math.floor((sorted.length - 1) / 2)];
  const scores = Object.keys(targets).map((id) => `${id} ${score(r, id)}`).join(', ');
  console.log(`${page}: ${scores}`);
  if (reports.length > 1) {
    console.log(`  performance over ${reports.length} runs: ${reports.map((x) => score(x, 'performance')).join(' ')} (the median run is reported)`);
  }
  const m = r.audits.metrics?.details?.items?.[0];
  if (m) {
    const ms = (v) => `${(v / 1000).toFixed(1)} s`;
    console.log(`  FCP ${ms(m.firstContentfulPaint)}, LCP ${ms(m.largestContentfulPaint)}, TBT ${Math.round(m.totalBlockingTime)} ms, CLS ${m.cumulativeLayoutShift.toFixed(3)}, SI ${ms(m.speedIndex)}; CPU benchmark index ${r.environment.benchmarkIndex}`);
  }
  for (const [id, want] of Object.entries(targets)) {
    if (score(r, id) < want) {
      missed = true;
      console.log(`  MISSED ${id}: ${score(r, id)} < ${want}`);
    }
  }
  const seen = new Set();
  const errors = new Map(); // message → audits that it stopped
  for (const [cat, c] of Object.entries(r.categories)) {
    for (const ref of c.auditRefs) {
      const a = r.audits[ref.id];
      if (seen.has(ref.id)) continue;
      seen.add(ref.id);
      if (a.scoreDisplayMode === 'error') {
        const ids = errors.get(a.errorMessage) ?? [];
        errors.set(a.errorMessage, [...ids, ref.id]);
      } else if (a.score !== null && a.score < 0.9) {
        const shown = a.displayValue ? ` (${a.displayValue})` : '';
        console.log(`  fails  ${cat} ${ref.id}${shown}: ${a.title}, score ${a.score}${ref.weight ? `, weight ${ref.weight}` : ''}`);
      }
    }
  }
  for (const [message, ids] of errors) console.log(`  could not run  ${ids.join(', ')}: ${message}`);
  for (const w of r.runWarnings) console.log(`  warning: ${w.replace(/\s+/g, ' ')}`);
}
process.exit(missed ? 1 : 0);
