/**
 * Dependencies point inward (STYLE.md): who may import whom, checked on every source file
 * (tests and test fixtures may import anything). A folder's rule lists what it must not reach.
 */
export const FOLDERS = ['result', 'util', 'files', 'journey', 'classify', 'platform', 'steps', 'runner', 'report', 'metrics', 'schedule', 'serve', 'demo', 'cli'];
export const MAY_IMPORT = {
  result: [],
  util: [],
  files: [],
  journey: ['result', 'util', 'files'],
  classify: ['result', 'util'],
  platform: ['result', 'util', 'journey'],
  steps: ['result', 'util', 'journey', 'platform'],
  runner: ['result', 'util', 'journey', 'steps', 'classify', 'platform'],
  report: ['result', 'util', 'files', 'journey', 'classify'],
  metrics: ['result', 'util', 'report'],
  schedule: ['result', 'util'],
  serve: ['result', 'util', 'files', 'journey', 'classify', 'report', 'metrics', 'schedule'],
  demo: ['result', 'util'],
};
export const boundaries = Object.entries(MAY_IMPORT).map(([folder, allowed]) => {
  const banned = FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  return {
    files: [`src/${folder}/**/*.ts`],
    ignores: ['**/*.test.ts', '**/*.fixtures.ts', '**/fixtures/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${banned.join('|')})/`,
              message: `src/${folder}/ may import only ${allowed.length > 0 ? allowed.map((a) => `src/${a}/`).join(', ') : 'nothing of ours'} (dependencies point inward: STYLE.md)`,
            },
          ],
        },
      ],
    },
  };
});

