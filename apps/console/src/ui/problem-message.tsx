import { problemOf } from '../api/problem';

/** A failed request as the API explained it: the problem's title and detail, and field problems. */
export function ProblemMessage({ error }: { error: unknown }) {
  const problem = problemOf(error);
  return (
    <div className="problem" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((field) => (
            <li key={`${field.path}:${field.message}`}>
              <code>{field.path}</code> {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
