import { describe, expect, it } from 'vitest';
import { SemaphoreClosedError, createSemaphore } from './semaphore.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createSemaphore', () => {
  it('never lets more than the limit run at once', async () => {
    const semaphore = createSemaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { release } = await semaphore.acquire(1 + (i % 3));
        running += 1 + (i % 3);
        peak = Math.max(peak, running);
        await tick();
        running -= 1 + (i % 3);
        release();
      }),
    );
    expect(peak).toBeLessThanOrEqual(3);
    expect(semaphore.inUse).toBe(0);
  });

  it('clamps a request to the limit, so a big run still starts', async () => {
    const semaphore = createSemaphore(2);
    const permit = await semaphore.acquire(10);
    expect(permit.permits).toBe(2);
    permit.release();
    permit.release(); // idempotent
    expect(semaphore.inUse).toBe(0);
  });

  it('serves waiters first come, first served (a big request is not starved)', async () => {
    const semaphore = createSemaphore(2);
    const held = await semaphore.acquire(1);
    const order: string[] = [];
    const big = semaphore.acquire(2).then((p) => (order.push('big'), p));
    const small = semaphore.acquire(1).then((p) => (order.push('small'), p));
    await tick();
    expect(order).toEqual([]); // one permit is free, but the big request came first
    held.release();
    (await big).release();
    (await small).release();
    expect(order).toEqual(['big', 'small']);
  });

  it('close() rejects waiters and later requests', async () => {
    const semaphore = createSemaphore(1);
    const held = await semaphore.acquire();
    const waiting = semaphore.acquire();
    semaphore.close();
    await expect(waiting).rejects.toBeInstanceOf(SemaphoreClosedError);
    await expect(semaphore.acquire()).rejects.toBeInstanceOf(SemaphoreClosedError);
    held.release();
  });

  it('an aborted waiter leaves the queue', async () => {
    const semaphore = createSemaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(1, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(semaphore.waiting).toBe(0);
    held.release();
  });

  it.each([0, -1, 1.5])('rejects limit %s', (limit) => {
    expect(() => createSemaphore(limit)).toThrow(RangeError);
  });
});
