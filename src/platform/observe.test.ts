import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from './types.js';
import { pickContainer } from './observe.js';
import { describeSelector } from './types.js';

const c = (name: string, state: string): ContainerSummary => ({ id: name, name, state, labels: {} });

describe('pickContainer', () => {
  it.each<[string, ContainerSummary[], string, string[]]>([
    ['none', [], 'none', []],
    ['one, even stopped (a dead container is evidence)', [c('a', 'exited')], 'one:a', []],
    ['the one running among stopped ones', [c('old', 'exited'), c('new', 'running')], 'one:new', ['old']],
    ['a crash-looping one counts as the one serving', [c('old', 'exited'), c('new', 'restarting')], 'one:new', ['old']],
    ['two running: ambiguous', [c('a', 'running'), c('b', 'running')], 'several', ['a', 'b']],
    ['two stopped: ambiguous', [c('a', 'exited'), c('b', 'exited')], 'several', ['a', 'b']],
  ])('%s', (_what, matches, kind, names) => {
    const picked = pickContainer(matches);
    const label = picked.kind === 'one' ? `one:${picked.chosen.name}` : picked.kind;
    expect(label).toBe(kind);
    const rest = picked.kind === 'one' ? picked.others : picked.kind === 'several' ? picked.candidates : [];
    expect(rest.map((x) => x.name)).toEqual(names);
  });
});

describe('describeSelector', () => {
  it.each([
    [{ by: 'service', service: 'api', project: 'shop' } as const, 'service api (project shop)'],
    [{ by: 'service', service: 'api' } as const, 'service api'],
    [{ by: 'name', name: 'shop-api' } as const, 'name shop-api'],
    [{ by: 'labels', labels: { app: 'shop', tier: 'web' } } as const, 'label app=shop, tier=web'],
  ])('%j → %s', (selector, text) => {
    expect(describeSelector(selector)).toBe(text);
  });
});
