/** Terminal output of `rtml up`: a progress bar with a live line, and the summary table. */

export interface LiveFigures {
  sent: number;
  total: number | undefined;
  accounted: number;
  eventsPerSecond: number;
  accuracy: number | undefined;
  modelVersion: number;
  alerts: number;
}

/** One status line: `[#####-----]  52%  23,456/45,312  8,123 ev/s  acc 0.842  model v12  alerts 3`. */
export function formatLive(f: LiveFigures, width = 24): string {
  const frac = f.total ? Math.min(1, f.accounted / f.total) : 0;
  const filled = Math.round(frac * width);
  const bar = f.total ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ` : "";
  const n = (x: number) => x.toLocaleString("en-US");
  return (
    `${bar}${n(f.accounted)}${f.total ? "/" + n(f.total) : ""}  ${n(Math.round(f.eventsPerSecond))} ev/s  ` +
    `acc ${f.accuracy === undefined ? "-" : f.accuracy.toFixed(3)}  model v${f.modelVersion}  alerts ${f.alerts}`
  );
}

/** A two-column table for the summary. */
export function formatTable(rows: [string, string | number][]): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  const fmt = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(4)) : v);
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${fmt(v)}`).join("\n");
}

/** Redraws a line on a TTY (carriage return); elsewhere prints a line at most every `everyMs`. */
export function createLiveWriter(stream: NodeJS.WriteStream, everyMs = 2000) {
  let last = 0;
  return {
    update(line: string) {
      if (stream.isTTY) stream.write(`\r${line.slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
      else if (Date.now() - last >= everyMs) {
        last = Date.now();
        stream.write(line + "\n");
      }
    },
    done(line: string) {
      if (stream.isTTY) stream.write(`\r${line}\x1b[K\n`);
      else stream.write(line + "\n");
    },
  };
}
