import { niceTicks } from '../../charts/scale';

/** What the timeline needs of a run and of each of its nodes. */
export interface TimedRun {
  started_at: string;
  finished_at: string | null;
}

export interface TimedNode {
  started_at: string | null;
  finished_at: string | null;
}

/** A node's bar, in percent of the timeline's width. */
export interface TimelineBar {
  offset: number;
  width: number;
  /** Milliseconds from the run's start to the node's start and end. */
  startMs: number;
  endMs: number;
}

/** The narrowest bar drawn, in percent, so that a 0 ms node is still seen. */
export const minBarWidth = 0.6;

/**
 * Where each node's bar lies on a timeline that spans the run: its start and length relative to
 * the run's start, scaled to the run's duration. A run or node still going is measured up to
 * `now`; a node that never started (skipped) has no bar. Should a node end after the run (clocks
 * of separate services), the scale stretches to it so no bar overflows.
 */
export function timelineGeometry(run: TimedRun, nodes: readonly TimedNode[], now: number): { totalMs: number; bars: (TimelineBar | null)[] } {
  const runStart = Date.parse(run.started_at);
  const runEnd = run.finished_at ? Date.parse(run.finished_at) : now;
  const spans = nodes.map((node) => {
    if (!node.started_at) return null;
    const start = Math.max(0, Date.parse(node.started_at) - runStart);
    const end = Math.max(start, (node.finished_at ? Date.parse(node.finished_at) : now) - runStart);
    return { start, end };
  });
  const totalMs = Math.max(1, runEnd - runStart, ...spans.map((span) => span?.end ?? 0));
  const bars = spans.map((span) => {
    if (!span) return null;
    const width = Math.max(minBarWidth, ((span.end - span.start) / totalMs) * 100);
    const offset = Math.min((span.start / totalMs) * 100, 100 - width);
    return { offset, width, startMs: span.start, endMs: span.end };
  });
  return { totalMs, bars };
}

/** Marks along the timeline at round durations (0, 25 ms, 50 ms…), in ms and in percent of its width. */
export function timelineTicks(totalMs: number, count = 5): { ms: number; at: number }[] {
  return niceTicks(totalMs, count, true)
    .filter((ms) => ms <= totalMs)
    .map((ms) => ({ ms, at: (ms / totalMs) * 100 }));
}
