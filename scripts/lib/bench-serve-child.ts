// Child process of the bench: the API server (createApp over a loaded index) on an ephemeral
// port. It sends { port, rssAfterLoadMB } once listening; on 'stop' it closes and sends its peak
// memory, so the figure is the server's own, traffic included.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { loadIndex } from '../../server/load-index.ts';
import { childInput, peakRssMB, reply } from './child.ts';

export interface ServeBenchInput {
  indexDir: string;
  modelDir?: string;
}

export interface ServeBenchReady {
  port: number;
  rssAfterLoadMB: number;
}

export interface ServeBenchDone {
  peakRssMB: number;
}

const input = childInput<ServeBenchInput>();
const index = await loadIndex(input.indexDir, { modelDir: input.modelDir });
const server: Server = createApp(index, { webDist: null }).listen(0, '127.0.0.1', () => {
  const ready: ServeBenchReady = { port: (server.address() as AddressInfo).port, rssAfterLoadMB: process.memoryUsage().rss / 2 ** 20 };
  process.send!(ready);
});
process.on('message', (message) => {
  if (message !== 'stop') return;
  server.closeAllConnections();
  server.close(() => reply({ peakRssMB: peakRssMB() } satisfies ServeBenchDone));
});
