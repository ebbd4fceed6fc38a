/**
 * A seeded card-fraud transaction simulator, modelled on the Fraud Detection Handbook's generator
 * (Chapter 2/3, "SimulatedDataset"): customers at random points of a 100×100 square with a spending
 * profile (mean amount U(5,100), sd = mean/2, U(0,4) transactions a day), terminals at random points,
 * a customer using the terminals within `radius`; transaction times N(12h, 20000 s) within the day.
 *
 * Fraud before event `driftAt` follows the handbook's three scenarios:
 *  1. amount > 220;
 *  2. two random terminals a day are compromised for 28 days: all their transactions are fraud;
 *  3. three random customers a day are compromised for 14 days: 1/3 of their transactions get the
 *     amount ×5 and are fraud.
 *
 * From event `driftAt` on (the concept drift) scenarios 1 and 3 stop — large amounts are legitimate
 * again — and scenario 4 starts: card testing. Each day `drift.terminalsPerDay` terminals are compromised
 * for `drift.terminalDays` days, and `drift.cardsPerDay` cards each get a burst of 4–10 small transactions
 * (U(0.5, 12)) at one of those terminals between 00:00 and 06:00; the burst transactions are fraud.
 * Scenario 2 continues throughout. A model that learned "fraud = large amount" before the drift misses the
 * new frauds and flags legitimate large amounts until it relearns.
 *
 * Every random draw is made whatever the regime, so the legitimate stream does not depend on `driftAt`.
 */
import type { DatasetRecord } from "../shared/dataset/schema.ts";
import { RtmlError } from "../shared/errors.ts";
import { createRandom, type Random } from "./prng.ts";

export interface FraudDriftOptions {
  /** Terminals compromised for night card testing each day. Default 3. */
  terminalsPerDay?: number;
  /** Days a card-testing terminal stays compromised. Default 7. */
  terminalDays?: number;
  /** Cards hit by a night burst each day. Default 12. */
  cardsPerDay?: number;
}

export interface FraudSimulatorOptions {
  /** Default 42. */
  seed?: number;
  /** Default 5000 (the handbook's). */
  customers?: number;
  /** Default 10000 (the handbook's). */
  terminals?: number;
  /** Default 5 (the handbook's). */
  radius?: number;
  /** First day, ISO date (UTC). Default "2018-04-01" (the handbook's). */
  startDate?: string;
  /** Records to produce. Default 200_000. */
  events?: number;
  /** Index of the first record of the drifted regime. Default `floor(events / 2)`; null: no drift. */
  driftAt?: number | null;
  drift?: FraudDriftOptions;
}

/** A simulator record: the dataset record plus the fraud scenario (0 = legitimate), for diagnostics. */
export interface FraudSimRecord extends DatasetRecord {
  scenario: number;
}

interface Tx {
  customer: number;
  terminal: number;
  seconds: number;
  amount: number;
  /** Draw deciding scenario 3's one-in-three. */
  u3: number;
  burst: boolean;
  order: number;
}

interface World {
  mean: Float64Array;
  rate: Float64Array;
  available: Int32Array[];
}

const DAY_S = 86_400;

function createWorld(rnd: Random, customers: number, terminals: number, radius: number): World {
  const cx = new Float64Array(customers), cy = new Float64Array(customers);
  const mean = new Float64Array(customers), rate = new Float64Array(customers);
  for (let c = 0; c < customers; c++) {
    cx[c] = rnd.uniform(0, 100);
    cy[c] = rnd.uniform(0, 100);
    mean[c] = rnd.uniform(5, 100);
    rate[c] = rnd.uniform(0, 4);
  }
  const cells = Math.max(1, Math.ceil(100 / radius));
  const grid: number[][] = Array.from({ length: cells * cells }, () => []);
  const tx = new Float64Array(terminals), ty = new Float64Array(terminals);
  const cell = (v: number) => Math.min(cells - 1, Math.floor(v / radius));
  for (let t = 0; t < terminals; t++) {
    tx[t] = rnd.uniform(0, 100);
    ty[t] = rnd.uniform(0, 100);
    grid[cell(tx[t]) * cells + cell(ty[t])].push(t);
  }
  const available: Int32Array[] = [];
  for (let c = 0; c < customers; c++) {
    const near: number[] = [];
    const gx = cell(cx[c]), gy = cell(cy[c]);
    for (let i = Math.max(0, gx - 1); i <= Math.min(cells - 1, gx + 1); i++) {
      for (let j = Math.max(0, gy - 1); j <= Math.min(cells - 1, gy + 1); j++) {
        for (const t of grid[i * cells + j]) if (Math.hypot(cx[c] - tx[t], cy[c] - ty[t]) < radius) near.push(t);
      }
    }
    available.push(Int32Array.from(near.sort((a, b) => a - b)));
  }
  return { mean, rate, available };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** One day's legitimate transactions and night-burst candidates, sorted by time. */
function simulateDay(rnd: Random, world: World, day: number, burstTerminals: number[], cardsPerDay: number): Tx[] {
  const txs: Tx[] = [];
  let order = 0;
  for (let c = 0; c < world.mean.length; c++) {
    const n = rnd.poisson(world.rate[c]);
    for (let k = 0; k < n; k++) {
      const time = Math.round(rnd.normal(DAY_S / 2, 20_000));
      if (time <= 0 || time >= DAY_S) continue;
      let amount = rnd.normal(world.mean[c], world.mean[c] / 2);
      if (amount < 0) amount = rnd.uniform(0, world.mean[c] * 2);
      const avail = world.available[c];
      if (avail.length === 0) continue;
      const terminal = avail[rnd.int(avail.length)];
      txs.push({ customer: c, terminal, seconds: day * DAY_S + time, amount: round2(amount), u3: rnd.next(), burst: false, order: order++ });
    }
  }
  for (let k = 0; k < cardsPerDay && burstTerminals.length > 0; k++) {
    const customer = rnd.int(world.mean.length);
    const terminal = burstTerminals[rnd.int(burstTerminals.length)];
    const size = 4 + rnd.int(7);
    let t = Math.round(rnd.uniform(60, 6 * 3600 - size * 300));
    for (let i = 0; i < size; i++) {
      txs.push({ customer, terminal, seconds: day * DAY_S + t, amount: round2(rnd.uniform(0.5, 12)), u3: 1, burst: true, order: order++ });
      t += Math.round(rnd.uniform(20, 300));
    }
  }
  return txs.sort((a, b) => a.seconds - b.seconds || a.order - b.order);
}

/** Adds `k` random picks from [0, n) to `active`, each active until `until` (exclusive day). */
function compromise(rnd: Random, active: Map<number, number>, n: number, k: number, until: number): void {
  for (const id of rnd.sample(n, k)) active.set(id, Math.max(active.get(id) ?? 0, until));
}

function activeOn(active: Map<number, number>, day: number): Set<number> {
  for (const [id, until] of active) if (until <= day) active.delete(id);
  return new Set(active.keys());
}

/**
 * Creates the simulator: a finite, deterministic stream of `events` records in time order, shaped as
 * readDataset's records (schema `fraud-sim`: entity CUSTOMER_ID, fields TERMINAL_ID, TX_AMOUNT,
 * TX_TIME_SECONDS, TX_TIME_DAYS; label "true" for fraud).
 *
 * @example
 * const sim = createFraudSimulator({ seed: 1, customers: 200, terminals: 400, events: 100 });
 * console.assert([...sim].length === 100);
 */
export function createFraudSimulator(options: FraudSimulatorOptions = {}): Iterable<FraudSimRecord> {
  const seed = options.seed ?? 42;
  const customers = options.customers ?? 5000;
  const terminals = options.terminals ?? 10_000;
  const radius = options.radius ?? 5;
  const events = options.events ?? 200_000;
  const driftAt = options.driftAt === null ? Infinity : (options.driftAt ?? Math.floor(events / 2));
  const startMs = Date.parse(`${options.startDate ?? "2018-04-01"}T00:00:00Z`);
  const drift = { terminalsPerDay: 3, terminalDays: 7, cardsPerDay: 12, ...options.drift };
  const problems: string[] = [];
  if (!(Number.isInteger(customers) && customers > 0)) problems.push("customers must be a positive integer");
  if (!(Number.isInteger(terminals) && terminals > 0)) problems.push("terminals must be a positive integer");
  if (!(radius > 0)) problems.push("radius must be positive");
  if (!(Number.isInteger(events) && events >= 0)) problems.push("events must be a non-negative integer");
  if (!(driftAt >= 0)) problems.push("driftAt must be a non-negative index or null");
  if (Number.isNaN(startMs)) problems.push("startDate must be an ISO date (YYYY-MM-DD)");
  if (problems.length > 0) throw new RtmlError("INVALID_ARGUMENT", `fraud simulator: ${problems.join("; ")}`, { details: { problems } });

  return {
    *[Symbol.iterator]() {
      const rnd = createRandom(seed);
      const world = createWorld(rnd, customers, terminals, radius);
      const s2 = new Map<number, number>(), s3 = new Map<number, number>(), s4 = new Map<number, number>();
      let index = 0;
      for (let day = 0; index < events; day++) {
        compromise(rnd, s2, terminals, 2, day + 28);
        compromise(rnd, s3, customers, 3, day + 14);
        compromise(rnd, s4, terminals, drift.terminalsPerDay, day + drift.terminalDays);
        const badTerminals = activeOn(s2, day), badCustomers = activeOn(s3, day);
        const burstTerminals = [...activeOn(s4, day)].sort((a, b) => a - b);
        for (const tx of simulateDay(rnd, world, day, burstTerminals, drift.cardsPerDay)) {
          if (index >= events) return;
          const drifted = index >= driftAt;
          if (tx.burst && !drifted) continue;
          let amount = tx.amount;
          let scenario = 0;
          if (!drifted && amount > 220) scenario = 1;
          if (badTerminals.has(tx.terminal)) scenario = 2;
          if (!drifted && badCustomers.has(tx.customer) && tx.u3 < 1 / 3) {
            amount = round2(amount * 5);
            scenario = 3;
          }
          if (tx.burst) scenario = 4;
          yield {
            fields: {
              TERMINAL_ID: { text: String(tx.terminal) },
              TX_AMOUNT: { number: amount },
              TX_TIME_SECONDS: { number: tx.seconds },
              TX_TIME_DAYS: { number: Math.floor(tx.seconds / DAY_S) },
            },
            entityId: String(tx.customer),
            eventTimeMs: startMs + tx.seconds * 1000,
            label: scenario > 0 ? "true" : "false",
            eventId: `fraud-sim-${seed}-${index}`,
            index,
            scenario,
          };
          index++;
        }
      }
    },
  };
}
