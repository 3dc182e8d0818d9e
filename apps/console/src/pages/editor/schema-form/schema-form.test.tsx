import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../../../api/types';
import sample from '../../../testing/node-types.json';
import type { ReferenceOption } from '../model/references';
import { FormContext } from './form-context';
import { asSchema } from './json-schema';
import { SchemaForm } from './schema-form';

const nodeTypes = (sample as { items: NodeTypeInfo[] }).items;
const schemaOf = (type: string) => asSchema(nodeTypes.find((info) => info.type === type)!.data);

/** The form of one node type around a value it owns, showing the value as JSON for assertions. */
function Harness({ type, initial, problems = new Map(), references = [] }: { type: string; initial: Record<string, unknown>; problems?: Map<string, string[]>; references?: ReferenceOption[] }) {
  const [value, setValue] = useState(initial);
  return (
    <FormContext.Provider value={{ references, problems, readOnly: false }}>
      <SchemaForm schema={schemaOf(type)} value={value} onChange={setValue} />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </FormContext.Provider>
  );
}

const valueNow = () => JSON.parse(screen.getByTestId('value').textContent!) as Record<string, unknown>;

describe('SchemaForm from the node types of the platform', () => {
  it('adds, fills and removes start inputs as rows', async () => {
    const user = userEvent.setup();
    render(<Harness type="start" initial={{ inputs: [] }} />);
    await user.click(screen.getByRole('button', { name: 'Add input' }));
    // The keyboard lands in the new row.
    expect(screen.getByLabelText('Input name')).toHaveFocus();
    await user.keyboard('name');
    await user.selectOptions(screen.getByLabelText('Input type'), 'number');
    await user.click(screen.getByLabelText('Required'));
    expect(valueNow()).toEqual({ inputs: [{ name: 'name', type: 'number', required: true }] });

    await user.click(screen.getByRole('button', { name: 'Add input' }));
    expect(screen.getAllByLabelText('Input name')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Remove input 1' }));
    expect(valueNow()).toEqual({ inputs: [{ name: '', type: 'string' }] });
    expect(screen.getByRole('button', { name: 'Add input' })).toHaveFocus();
  });

  it('offers the anyOf consts of a field as a select', async () => {
    const user = userEvent.setup();
    render(<Harness type="http_request" initial={{ method: 'GET', url: 'https://example.com' }} />);
    const method = screen.getByLabelText('method');
    expect(within(method).getAllByRole('option').map((option) => option.textContent)).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
    await user.selectOptions(method, 'POST');
    expect(valueNow()).toMatchObject({ method: 'POST' });
  });

  it('edits end outputs as name/value rows, refusing a name already used', async () => {
    const user = userEvent.setup();
    render(<Harness type="end" initial={{ outputs: { first: '{{ a.b }}' } }} />);
    await user.click(screen.getByRole('button', { name: 'Add output' }));
    const names = screen.getAllByLabelText('Output name');
    // The new row's generated name is selected: typing replaces it.
    expect(names[1]).toHaveFocus();
    await user.keyboard('greeting');
    await user.type(screen.getAllByLabelText('Output value')[1]!, 'Hello');
    expect(valueNow()).toEqual({ outputs: { first: '{{ a.b }}', greeting: 'Hello' } });

    await user.clear(names[1]!);
    await user.type(names[1]!, 'first');
    expect(screen.getByText('Another output is named "first".')).toBeInTheDocument();
    // Names apply while they are usable; the refused one is not: the row keeps its last good name.
    expect(valueNow()).toEqual({ outputs: { first: '{{ a.b }}', firs: 'Hello' } });
    expect(names[1]).toHaveValue('first');

    await user.click(screen.getByRole('button', { name: 'Remove output first' }));
    expect(valueNow()).toEqual({ outputs: { firs: 'Hello' } });
  });

  it('shows a problem of the last save at its field', () => {
    render(<Harness type="http_request" initial={{ method: 'GET', url: '' }} problems={new Map([['/url', ['must have at least 1 character']]])} />);
    const url = screen.getByLabelText('url');
    expect(url).toHaveAttribute('aria-invalid', 'true');
    expect(url).toHaveAccessibleDescription(expect.stringContaining('must have at least 1 character'));
    expect(screen.getByLabelText('method')).not.toHaveAttribute('aria-invalid');
  });

  it('shows a problem inside a list at the row field it is about', () => {
    render(<Harness type="start" initial={{ inputs: [{ name: '1x', type: 'string' }] }} problems={new Map([['/inputs/0/name', ['must match ^[A-Za-z_][A-Za-z0-9_]*$']]])} />);
    expect(screen.getByLabelText('Input name')).toHaveAccessibleDescription(expect.stringContaining('must match'));
  });

  it('edits an untyped value as JSON, showing a parse error and keeping the last valid value', async () => {
    const user = userEvent.setup();
    render(<Harness type="http_request" initial={{ method: 'POST', url: 'https://example.com', body: { a: 1 } }} />);
    const body = screen.getByLabelText('body') as HTMLTextAreaElement;
    await user.type(body, '{{"a": 2', { initialSelectionStart: 0, initialSelectionEnd: body.value.length });
    expect(screen.getByText(/^Not valid JSON/)).toBeInTheDocument();
    expect(valueNow()).toMatchObject({ body: { a: 1 } });
    await user.type(body, '}');
    expect(screen.queryByText(/^Not valid JSON/)).not.toBeInTheDocument();
    expect(valueNow()).toMatchObject({ body: { a: 2 } });
  });

  it('uses a textarea for the template and inserts a chosen reference at the cursor', async () => {
    const user = userEvent.setup();
    render(<Harness type="template" initial={{ template: 'Hello !' }} references={[{ path: 'start.name', source: 'start' }, { path: 'env.', source: 'env' }]} />);
    const template = screen.getByLabelText('template');
    expect(template.tagName).toBe('TEXTAREA');
    await user.click(template);
    (template as HTMLTextAreaElement).setSelectionRange(6, 6);
    await user.click(screen.getByRole('button', { name: 'Insert reference' }));
    await user.click(screen.getByRole('button', { name: '{{ start.name }}' }));
    expect(valueNow()).toEqual({ template: 'Hello {{ start.name }}!' });
  });

  it('builds if_else conditions as rows with their op select', async () => {
    const user = userEvent.setup();
    render(<Harness type="if_else" initial={{ conditions: [] }} />);
    await user.click(screen.getByRole('button', { name: 'Add condition' }));
    expect(within(screen.getByLabelText('Condition op')).getAllByRole('option')).toHaveLength(12);
    await user.type(screen.getByLabelText('Condition left'), '{{{{ start.n }}');
    await user.selectOptions(screen.getByLabelText('Condition op'), 'gt');
    expect(valueNow()).toEqual({ conditions: [{ left: '{{ start.n }}', op: 'gt' }] });
    expect(screen.getByLabelText('logic')).toHaveDisplayValue('(default: and)');
  });

  it('builds llm messages as rows: a role select and a content textarea', async () => {
    const user = userEvent.setup();
    render(<Harness type="llm" initial={{ provider_id: 'p', model: 'm', messages: [] }} />);
    await user.click(screen.getByRole('button', { name: 'Add message' }));
    expect(within(screen.getByLabelText('Message role')).getAllByRole('option').map((option) => option.textContent)).toEqual(['system', 'user', 'assistant']);
    await user.selectOptions(screen.getByLabelText('Message role'), 'user');
    expect(screen.getByLabelText('Message content').tagName).toBe('TEXTAREA');
    await user.type(screen.getByLabelText('Message content'), 'Hi');
    expect(valueNow()).toMatchObject({ messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('keeps numbers as numbers and drops an emptied optional number', async () => {
    const user = userEvent.setup();
    render(<Harness type="http_request" initial={{ method: 'GET', url: 'u' }} />);
    await user.type(screen.getByLabelText('timeout_ms'), '1500');
    expect(valueNow()).toMatchObject({ timeout_ms: 1500 });
    await user.clear(screen.getByLabelText('timeout_ms'));
    expect(valueNow()).not.toHaveProperty('timeout_ms');
  });
});
