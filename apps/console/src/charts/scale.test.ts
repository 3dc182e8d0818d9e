import { describe, expect, it } from 'vitest';
import { barRects, labelledIndexes, lineSegments, niceTicks, valueAxis, type Plot } from './scale';

const plot: Plot = { width: 240, height: 120, margin: { top: 10, right: 0, bottom: 10, left: 40 } };

describe('niceTicks', () => {
  it('rounds the top of the axis up to a round step that covers the largest value', () => {
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(1234, 4)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(100, 4)).toEqual([0, 25, 50, 75, 100]);
  });

  it('gives an empty series an axis from 0 to 1 instead of dividing by zero', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });

  it('keeps whole steps for counts', () => {
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(3, 4)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(2, 4, true)).toEqual([0, 1, 2]);
    expect(niceTicks(2, 4)).toEqual([0, 0.5, 1, 1.5, 2]);
  });
});

describe('valueAxis and barRects', () => {
  it('maps 0 to the bottom edge and the top tick to the top edge of the plot', () => {
    const axis = valueAxis(8, plot);
    expect(axis.max).toBe(8);
    expect(axis.y(0)).toBe(110);
    expect(axis.y(8)).toBe(10);
    expect(axis.y(4)).toBe(60);
  });

  it('makes bars proportional to their values, standing on the bottom edge, one slot each', () => {
    const axis = valueAxis(8, plot);
    const [zero, half, full] = barRects([0, 4, 8], plot, axis);
    expect(zero).toMatchObject({ height: 0, y: 110 });
    expect(half).toMatchObject({ height: 50, y: 60 });
    expect(full).toMatchObject({ height: 100, y: 10 });
    // Three 66.67 px slots from x=40, each bar 80% of its slot and centred in it.
    expect(half!.x).toBeCloseTo(40 + 200 / 3 + (200 / 3) * 0.1);
    expect(half!.width).toBeCloseTo((200 / 3) * 0.8);
    expect(full!.x + full!.width).toBeLessThanOrEqual(240);
  });
});

describe('lineSegments', () => {
  it('breaks the line at buckets without data and remembers each point’s bucket', () => {
    const axis = valueAxis(10, plot);
    const segments = lineSegments([5, 10, null, 0], plot, axis);
    expect(segments).toHaveLength(2);
    expect(segments[0]!.map((point) => point.index)).toEqual([0, 1]);
    expect(segments[0]![1]).toMatchObject({ y: 10, value: 10 });
    expect(segments[1]).toEqual([{ x: 40 + 50 * 3 + 25, y: 110, index: 3, value: 0 }]);
  });
});

describe('labelledIndexes', () => {
  it('labels every bucket when they fit, and every n-th counted from the newest when they do not', () => {
    expect([...labelledIndexes(4, 400)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect([...labelledIndexes(24, 280, 56)].sort((a, b) => a - b)).toEqual([3, 8, 13, 18, 23]);
  });
});
