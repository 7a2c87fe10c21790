/**
 * The ratios issue 17 asks every full run to record, each a path's figure over its own baseline measured in the same
 * run (absolute figures vary about 2x between runs and machines; ratios are what can be compared). Sections add what
 * they measured; `npm run bench` prints the table and writes `.healspace/bench.json` (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { bold, dim } from '../lib/steps.ts';

/** What each ratio is, the figure over its baseline, and the target issue 17 sets (≤ or ≥). */
export const ratioTargets = {
  functionOverhead: { what: 'whoami p50 / bare Hono running the same query with postgres.js, no auth', target: 1.5, better: 'lower' },
  matchingVsBare: { what: 'matching pairs/s / bare SKIP LOCKED pairing of the same people', target: 0.3, better: 'higher' },
  chatSendVsSelect1: { what: 'send_chat_message p50 / trivial RPC p50, both through PostgREST', target: 3, better: 'lower' },
  messageInsertVsPlain: { what: 'message insert as sender / plain insert, in the database', target: 10, better: 'lower' },
  bookingVsPlainInsert: { what: 'bookings/s / plain inserts/s, same table and exclusion constraints, same connections', target: 0.3, better: 'higher' },
  directoryPageVsPlain: { what: 'directory page of 20 with nextAvailable p50 / the same page without it', target: 3, better: 'lower' },
  pushVsEncryptLimit: { what: 'two-worker pushes/s / (2 x one-core encryption-only rate)', target: 0.6, better: 'higher' },
  listGrowth: { what: 'largest p50 at 10x the data / at 1x (journal, conversation list, group messages, directory)', target: 1.5, better: 'lower' },
} as const;
export type RatioKey = keyof typeof ratioTargets;

/** The parts listGrowth is the largest of, each p50 at 10x the data over p50 at 1x. */
export const listGrowthParts = ['journalPageGrowth', 'conversationListGrowth', 'groupMessagesGrowth', 'directoryPageGrowth'] as const;

export type Ratios = Partial<Record<RatioKey | (typeof listGrowthParts)[number], number>>;

export class BenchRecord {
  readonly ratios: Ratios = {};
  readonly figures: Record<string, unknown> = {};

  /** A section's ratios (and the figures behind them, for the file). */
  add(section: string, ratios: Ratios, figures?: unknown): void {
    Object.assign(this.ratios, ratios);
    if (figures !== undefined) this.figures[section] = figures;
    const parts = listGrowthParts.map((key) => this.ratios[key]).filter((value): value is number => value !== undefined);
    if (parts.length > 0) this.ratios.listGrowth = Math.max(...parts);
  }

  print(): void {
    console.log(`\n${bold('Ratios (issue 17: each figure over its baseline from this run)')}`);
    for (const [key, { what, target, better }] of Object.entries(ratioTargets)) {
      const value = this.ratios[key as RatioKey];
      const met = value === undefined ? 'not measured' : (better === 'lower' ? value <= target : value >= target) ? 'met' : 'NOT met';
      console.log(`  ${key.padEnd(22)} ${(value === undefined ? '-' : value.toFixed(2)).padStart(7)}  target ${better === 'lower' ? '≤' : '≥'} ${String(target).padEnd(4)} ${met.padEnd(13)} ${dim(what)}`);
    }
  }

  /** `.healspace/bench.json`: { ratios, targets, figures, machine, at }. */
  write(repoRoot: string, sections: string[]): string {
    const directory = join(repoRoot, '.healspace');
    mkdirSync(directory, { recursive: true });
    const file = join(directory, 'bench.json');
    writeFileSync(file, `${JSON.stringify({
      at: new Date().toISOString(),
      sections,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) },
      ratios: this.ratios,
      targets: Object.fromEntries(Object.entries(ratioTargets).map(([key, { target, better }]) => [key, { target, better }])),
      figures: this.figures,
    }, (_, value) => (value instanceof Map ? Object.fromEntries(value) : value), 2)}\n`);
    return file;
  }
}
