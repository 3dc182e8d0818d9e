import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../../../api/types';
import sample from '../../../testing/node-types.json';
import { newNodeData } from '../model/new-node';
import { anchorOf, asSchema, fieldKind } from './json-schema';

const nodeTypes = (sample as { items: NodeTypeInfo[] }).items;
const schemaOf = (type: string) => asSchema(nodeTypes.find((info) => info.type === type)!.data);

describe('fieldKind', () => {
  it('classifies the fields of the core node types', () => {
    const http = schemaOf('http_request').properties!;
    expect(fieldKind(http.method!, 'method')).toEqual({ kind: 'choice', options: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] });
    expect(fieldKind(http.url!, 'url')).toEqual({ kind: 'text', multiline: false });
    expect(fieldKind(http.headers!, 'headers').kind).toBe('map');
    expect(fieldKind(http.body!, 'body')).toEqual({ kind: 'any' });
    expect(fieldKind(http.timeout_ms!, 'timeout_ms')).toEqual({ kind: 'number', integer: true });
    expect(fieldKind(schemaOf('template').properties!.template!, 'template')).toEqual({ kind: 'text', multiline: true });
    expect(fieldKind(schemaOf('code').properties!.code!, 'code')).toEqual({ kind: 'text', multiline: true });
    expect(fieldKind(schemaOf('code').properties!.language!, 'language')).toEqual({ kind: 'const', value: 'javascript' });
    expect(fieldKind(schemaOf('start').properties!.inputs!, 'inputs').kind).toBe('list');
    // An open object (an iteration's sub-graph) is edited as JSON.
    expect(fieldKind(schemaOf('iteration').properties!.graph!, 'graph')).toEqual({ kind: 'any' });
  });
});

describe('anchorOf', () => {
  it('anchors a problem at the control that edits the value', () => {
    expect(anchorOf(schemaOf('http_request'), ['url'])).toBe('/url');
    expect(anchorOf(schemaOf('start'), ['inputs', '0', 'name'])).toBe('/inputs/0/name');
    expect(anchorOf(schemaOf('end'), ['outputs', 'a/b'])).toBe('/outputs/a~1b');
    expect(anchorOf(schemaOf('if_else'), ['conditions'])).toBe('/conditions');
  });

  it('anchors problems inside a JSON or map value at that value', () => {
    expect(anchorOf(schemaOf('http_request'), ['body', 'deep', '0'])).toBe('/body');
    expect(anchorOf(schemaOf('iteration'), ['graph', 'nodes', '0', 'data', 'url'])).toBe('/graph');
    expect(anchorOf(schemaOf('end'), ['outputs', 'x', 'y'])).toBe('/outputs/x');
  });

  it('anchors a problem of a whole list item at its row, and finds no control for unknown fields', () => {
    expect(anchorOf(schemaOf('start'), ['inputs', '0'])).toBe('/inputs');
    expect(anchorOf(schemaOf('start'), ['inputs', '0', 'colour'])).toBe('/inputs/0');
    expect(anchorOf(schemaOf('template'), ['colour'])).toBeUndefined();
    expect(anchorOf(schemaOf('template'), [])).toBeUndefined();
  });
});

describe('newNodeData', () => {
  it('starts each core type with what its schema requires', () => {
    expect(newNodeData('template', nodeTypes.find((info) => info.type === 'template'))).toEqual({ template: '' });
    expect(newNodeData('end', nodeTypes.find((info) => info.type === 'end'))).toEqual({ outputs: {} });
    expect(newNodeData('http_request', nodeTypes.find((info) => info.type === 'http_request'))).toEqual({ method: 'GET', url: '' });
    expect(newNodeData('if_else', nodeTypes.find((info) => info.type === 'if_else'))).toEqual({ conditions: [{ left: '', op: 'eq' }] });
    expect(newNodeData('start', undefined)).toEqual({ inputs: [] });
  });

  it('gives each new node its own data', () => {
    const a = newNodeData('llm', undefined);
    const b = newNodeData('llm', undefined);
    expect(a).toEqual(b);
    expect(a.messages).not.toBe(b.messages);
  });
});
