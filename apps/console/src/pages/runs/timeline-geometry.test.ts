import { describe, expect, it } from 'vitest';
import { minBarWidth, timelineGeometry, timelineTicks } from './timeline-geometry';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + ms).toISOString();
const run = { started_at: at(0), finished_at: at(1000) };

describe('timelineGeometry', () => {
  it('places each bar from the node’s start and length relative to the run, scaled to its duration', () => {
    const { totalMs, bars } = timelineGeometry(run, [
      { started_at: at(0), finished_at: at(250) },
      { started_at: at(250), finished_at: at(750) },
      { started_at: at(750), finished_at: at(1000) },
    ], 0);
    expect(totalMs).toBe(1000);
    expect(bars).toEqual([
      { offset: 0, width: 25, startMs: 0, endMs: 250 },
      { offset: 25, width: 50, startMs: 250, endMs: 750 },
      { offset: 75, width: 25, startMs: 750, endMs: 1000 },
    ]);
  });

  it('gives a node that never started no bar, and a 0 ms node the narrowest visible bar', () => {
    const { bars } = timelineGeometry(run, [{ started_at: null, finished_at: null }, { started_at: at(1000), finished_at: at(1000) }], 0);
    expect(bars[0]).toBeNull();
    expect(bars[1]!.width).toBe(minBarWidth);
    // Kept inside the timeline: it ends at 100%, not beyond.
    expect(bars[1]!.offset + bars[1]!.width).toBeCloseTo(100);
  });

  it('measures a run and a node still going up to now', () => {
    const start = Date.parse(at(0));
    const { totalMs, bars } = timelineGeometry({ started_at: at(0), finished_at: null }, [{ started_at: at(100), finished_at: null }], start + 400);
    expect(totalMs).toBe(400);
    expect(bars[0]).toEqual({ offset: 25, width: 75, startMs: 100, endMs: 400 });
  });

  it('stretches the scale to a node that ends after the run, so no bar overflows', () => {
    const { totalMs, bars } = timelineGeometry(run, [{ started_at: at(500), finished_at: at(2000) }], 0);
    expect(totalMs).toBe(2000);
    expect(bars[0]).toMatchObject({ offset: 25, width: 75 });
  });
});

describe('timelineTicks', () => {
  it('marks round durations inside the run, placed in proportion to its length', () => {
    expect(timelineTicks(118)).toEqual([
      { ms: 0, at: 0 },
      { ms: 25, at: (25 / 118) * 100 },
      { ms: 50, at: (50 / 118) * 100 },
      { ms: 75, at: (75 / 118) * 100 },
      { ms: 100, at: (100 / 118) * 100 },
    ]);
    expect(timelineTicks(2000).map((tick) => tick.ms)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(timelineTicks(2000).at(-1)!.at).toBe(100);
  });
});
