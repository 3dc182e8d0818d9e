import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../api/problem';
import { ProblemMessage } from './problem-message';

describe('ProblemMessage', () => {
  it('shows the problem title, detail and each field problem', () => {
    const problem = new ProblemError(422, {
      title: 'Validation failed',
      detail: 'The graph is not valid',
      errors: [{ path: '/graph/nodes/1/data/url', message: 'is required' }],
    });
    render(<ProblemMessage error={problem} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Validation failed');
    expect(screen.getByText('The graph is not valid')).toBeInTheDocument();
    expect(screen.getByText('/graph/nodes/1/data/url')).toBeInTheDocument();
  });

  it('names an unreachable platform instead of showing a raw TypeError', () => {
    render(<ProblemMessage error={new TypeError('Failed to fetch')} />);
    expect(screen.getByRole('alert')).toHaveTextContent('The platform cannot be reached');
  });
});
