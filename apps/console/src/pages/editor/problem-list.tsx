import { describeTarget, type MappedProblem } from './model/problems';

/**
 * The problems of the last save or publish, at the top of the editor. A problem about a node or
 * an edge is a button that selects it (and opens its settings).
 */
export function ProblemList({ title, problems, exists, onSelect }: { title: string; problems: readonly MappedProblem[]; exists: (problem: MappedProblem) => boolean; onSelect: (problem: MappedProblem) => void }) {
  return (
    <div className="problem editor-problems" role="alert">
      <strong>
        {title}: {problems.length === 1 ? '1 problem' : `${problems.length} problems`}
      </strong>
      <ul>
        {problems.map((problem, i) => {
          const where = describeTarget(problem.target);
          const selectable = (problem.target.kind === 'node' || problem.target.kind === 'edge') && exists(problem);
          return (
            <li key={i}>
              {selectable ? (
                <button type="button" className="link-button" onClick={() => onSelect(problem)}>
                  {where}
                </button>
              ) : (
                <span>{where}</span>
              )}
              : {problem.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
