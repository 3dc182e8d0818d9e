import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { RunDetail } from '../../api/types';
import { formatDuration, formatNumber } from '../../ui/format';

/** Provider names by id (the log records the id); one that cannot be read (deleted) keeps its id. */
function useProviderNames(ids: readonly string[]): ReadonlyMap<string, string> {
  return useQueries({
    queries: [...new Set(ids)].map((id) => ({
      queryKey: ['llm-providers', 'detail', id],
      queryFn: () => unwrap(api.GET('/api/v1/llm/providers/{id}', { params: { path: { id } } })),
      staleTime: 5 * 60_000,
      retry: false,
    })),
    combine: (results) => new Map(results.flatMap((result) => (result.data ? [[result.data.id, result.data.name] as const] : []))),
  });
}

/** The run's LLM calls: which node asked which model, the tokens spent, and how long it took. */
export function LlmUsageTable({ usage }: { usage: RunDetail['llm_usage'] }) {
  const total = usage.reduce((sum, call) => sum + call.total_tokens, 0);
  const providers = useProviderNames(usage.map((call) => call.provider));
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Provider</th>
            <th scope="col">Model</th>
            <th scope="col">Prompt</th>
            <th scope="col">Completion</th>
            <th scope="col">Total</th>
            <th scope="col">Latency</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((call, index) => (
            <tr key={`${call.node_id}-${index}`}>
              <td>
                <code>{call.node_id}</code>
              </td>
              <td>{providers.get(call.provider) ?? <code>{call.provider}</code>}</td>
              <td>{call.model}</td>
              <td className="numeric">{formatNumber(call.prompt_tokens)}</td>
              <td className="numeric">{formatNumber(call.completion_tokens)}</td>
              <td className="numeric">{formatNumber(call.total_tokens)}</td>
              <td className="numeric">{formatDuration(call.latency_ms)}</td>
            </tr>
          ))}
        </tbody>
        {usage.length > 1 && (
          <tfoot>
            <tr>
              <th scope="row" colSpan={5}>
                All calls
              </th>
              <td className="numeric">{formatNumber(total)}</td>
              <td />
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
