import { useRef, type KeyboardEvent } from 'react';
import type { RunDetail } from '../../api/types';
import { formatDuration } from '../../ui/format';
import { StatusBadge } from '../../ui/status-badge';
import { timelineGeometry, timelineTicks } from './timeline-geometry';

type RunNode = RunDetail['nodes'][number];

/**
 * The run's nodes as a Gantt chart: one row per node, in the order the engine reached them, with
 * a bar from its start to its end on a track that spans the run. Each row is a button that
 * shows the node's details; its text (id, type, status, elapsed, when it started) carries what
 * the bar shows, so nothing depends on seeing it.
 */
export function RunTimeline({ run, selected, onSelect, detailsId, now }: { run: RunDetail; selected: string | null; onSelect: (nodeId: string) => void; detailsId: string; now: number }) {
  const list = useRef<HTMLOListElement>(null);
  const { totalMs, bars } = timelineGeometry(run, run.nodes, now);
  const ticks = timelineTicks(totalMs);

  // Up and down arrows move between rows, as in a list.
  function move(event: KeyboardEvent<HTMLOListElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Home' && event.key !== 'End') return;
    const rows = [...(list.current?.querySelectorAll<HTMLButtonElement>('.timeline-row') ?? [])];
    const at = rows.indexOf(document.activeElement as HTMLButtonElement);
    if (at === -1) return;
    event.preventDefault();
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? rows.length - 1 : Math.max(0, Math.min(rows.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)));
    rows[next]?.focus();
  }

  return (
    <div className="timeline card">
      <div className="timeline-axis" aria-hidden="true">
        <span />
        <div className="timeline-axis-track">
          {ticks.map((tick) => (
            <span key={tick.ms} className={tick.at > 92 ? 'timeline-tick-end' : undefined} style={{ left: `${tick.at}%` }}>
              {formatDuration(tick.ms)}
            </span>
          ))}
        </div>
      </div>
      <ol ref={list} className="timeline-rows" aria-label="Nodes in the order they ran" onKeyDown={move}>
        {run.nodes.map((node, index) => {
          const bar = bars[index];
          return (
            <li key={node.node_id}>
              <button type="button" className="timeline-row" aria-expanded={selected === node.node_id} aria-controls={detailsId} onClick={() => onSelect(node.node_id)}>
                <span className="timeline-label">
                  <code className="timeline-node-id">{node.node_id}</code>
                  <span className="timeline-meta">{node.node_type}</span>
                  <StatusBadge status={node.status} />
                  <span className="timeline-meta numeric">{elapsedOf(node, bar?.endMs, bar?.startMs)}</span>
                  {bar && <span className="visually-hidden">, started {formatDuration(bar.startMs)} after the run</span>}
                </span>
                <span className="timeline-track" aria-hidden="true">
                  {ticks.map((tick) => (
                    <span key={tick.ms} className="timeline-grid" style={{ left: `${tick.at}%` }} />
                  ))}
                  {bar ? (
                    <span className={`timeline-bar timeline-bar-${node.status}`} style={{ left: `${bar.offset}%`, width: `${bar.width}%` }} />
                  ) : (
                    <span className="timeline-none">did not run</span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function elapsedOf(node: RunNode, endMs: number | undefined, startMs: number | undefined): string {
  if (node.elapsed_ms !== null) return formatDuration(node.elapsed_ms);
  if (node.status === 'running' && endMs !== undefined && startMs !== undefined) return `${formatDuration(endMs - startMs)} so far`;
  return '—';
}
