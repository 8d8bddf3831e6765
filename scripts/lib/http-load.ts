// Load over HTTP with autocannon: each connection cycles through the given paths, and every
// response time is kept so the percentiles are computed the same way as the in-process ones
// (autocannon's own histogram has p97.5, not p95).
import autocannon from 'autocannon';
import { summarizeLatencies, type LatencySummary } from './stats.ts';

export interface HttpLoadResult extends LatencySummary {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export async function httpLoad(options: { url: string; paths: string[]; connections: number; durationSeconds: number }): Promise<HttpLoadResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        requests: options.paths.map((path) => ({ method: 'GET' as const, path })),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  });
  return {
    connections: options.connections,
    durationSeconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    ...summarizeLatencies(times),
  };
}
