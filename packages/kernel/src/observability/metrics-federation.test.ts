import { describe, expect, it } from 'vitest';
import { mergeExpositions } from './metrics-federation.js';

const gateway = `# HELP http_requests_total Requests
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/health",status="200"} 3

# HELP up_seconds Uptime
# TYPE up_seconds gauge
up_seconds 12
`;

const engine = `# HELP http_requests_total Requests
# TYPE http_requests_total counter
http_requests_total{method="POST",route="/api/v1/workflows/:id/run",status="200"} 7
# HELP engine_events_buffered Run events waiting to be published
# TYPE engine_events_buffered gauge
engine_events_buffered 0
# HELP run_seconds Runs
# TYPE run_seconds histogram
run_seconds_bucket{le="0.1"} 1
run_seconds_bucket{} 2
run_seconds_sum 0.3
run_seconds_count 2
`;

describe('mergeExpositions', () => {
  it('keeps each family together, HELP and TYPE once, with the other process\'s samples labelled', () => {
    const merged = mergeExpositions(gateway, [{ labels: { service: 'engine', instance: 'http://10.0.0.7:8004' }, text: engine }]);
    expect(merged).toBe(`# HELP http_requests_total Requests
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/health",status="200"} 3
http_requests_total{service="engine",instance="http://10.0.0.7:8004",method="POST",route="/api/v1/workflows/:id/run",status="200"} 7
# HELP up_seconds Uptime
# TYPE up_seconds gauge
up_seconds 12
# HELP engine_events_buffered Run events waiting to be published
# TYPE engine_events_buffered gauge
engine_events_buffered{service="engine",instance="http://10.0.0.7:8004"} 0
# HELP run_seconds Runs
# TYPE run_seconds histogram
run_seconds_bucket{service="engine",instance="http://10.0.0.7:8004",le="0.1"} 1
run_seconds_bucket{service="engine",instance="http://10.0.0.7:8004"} 2
run_seconds_sum{service="engine",instance="http://10.0.0.7:8004"} 0.3
run_seconds_count{service="engine",instance="http://10.0.0.7:8004"} 2
`);
  });

  it('escapes label values and leaves this process\'s exposition as it is without others', () => {
    expect(mergeExpositions(gateway, [])).toBe(gateway.replace('\n\n', '\n'));
    expect(mergeExpositions('', [{ labels: { instance: 'a"b\\c' }, text: 'x 1\n' }])).toBe('x{instance="a\\"b\\\\c"} 1\n');
  });
});
