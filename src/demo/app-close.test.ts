// A file of its own: vitest runs each file in a fresh process, so the census of sockets
// and timers below sees this app's resources, not the leftovers of other tests.
import { createHook } from 'node:async_hooks';
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startDemoApp } from './app.js';
import { SLOW_DELAY_MS } from './scenarios.js';

const TOKEN = { authorization: 'Bearer demo-token' };
const JSON_HEADERS = { 'content-type': 'application/json' };

function connectionResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

/**
 * Live timers created while tracking, with their delay: a leaked ref'd timer keeps a CLI from exiting.
 * Hazard: `_idleTimeout` is Node's internal name for a timer's delay; stable since Node 0.x, but private.
 */
function trackTimers() {
  const live = new Map<number, NodeJS.Timeout & { _idleTimeout?: number }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (type === 'Timeout') live.set(asyncId, resource as NodeJS.Timeout);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return {
    /** Delays (ms) of the live timers that would keep the process alive. */
    refDelays: () => [...live.values()].filter((t) => t.hasRef()).map((t) => t._idleTimeout),
    stop: () => hook.disable(),
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('close()', () => {
  it('closes keep-alive sockets and held requests, leaving no sockets or timers behind', async () => {
    const timers = trackTimers();
    const demo = await startDemoApp({ scenario: 'slow' });
    const agent = new Agent({ keepAlive: true });
    try {
      // One idle keep-alive connection...
      const idle = await new Promise<number>((resolve, reject) => {
        httpRequest(`${demo.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', reject)
          .end();
      });
      expect(idle).toBe(200);
      // ...and one request held by the slow scenario.
      const held = new Promise<string>((resolve) => {
        const req = httpRequest(
          `${demo.url}/api/refunds`,
          { agent, method: 'POST', headers: { ...JSON_HEADERS, ...TOKEN } },
          () => resolve('answered'),
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        req.end(JSON.stringify({ orderId: '1001', amount: 1 }));
      });
      await until(() => timers.refDelays().includes(SLOW_DELAY_MS), 'the slow hold to start');

      // Bounded, so a close() that waits on a keep-alive socket fails here rather than at the test timeout.
      await Promise.race([
        demo.close(),
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error('close() hung on open sockets')), 5_000).unref()),
      ]);
      expect(await held).toBe('ECONNRESET');
      expect(await connectionResult(demo.port)).toBe('ECONNREFUSED');
      await demo.close(); // idempotent
    } finally {
      agent.destroy();
    }
    // Destroyed sockets release their handles on the next turns of the loop.
    await until(() => !process.getActiveResourcesInfo().some((r) => r.startsWith('TCP')), 'sockets to close');
    expect(timers.refDelays()).not.toContain(SLOW_DELAY_MS);
    timers.stop();
  });
});
