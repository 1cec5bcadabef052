/**
 * The layers (DESIGN.md, issue 11), checked by `npm run lint`:
 *   entry points (api/, worker.ts, cli.ts, embedded/, bench/) → use-cases (core/, including core/calendar) → pure rules
 *   (procedures/, calendar engine, workflows' rules); documents/ renders official texts for either. Workflow code is deterministic: it imports only pure rules
 *   and the activities' types. No cycles anywhere.
 */
const PURE = '^(procedures|calendar)/';
const IO = '^(api|web|core|activities|prisma|mail|audit|embedded|bench|worker\\.ts|cli\\.ts|config\\.ts)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'import cycles hide the layering',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-rules-stay-pure',
      severity: 'error',
      comment: 'procedures and the calendar engine are pure: no I/O layer, no database, no Temporal client',
      from: { path: PURE },
      to: {
        path: [IO, '^workflows/statutory-case', 'node_modules/(@prisma|pg|express|nodemailer|@temporalio)'],
      },
    },
    {
      name: 'workflows-deterministic',
      severity: 'error',
      comment: 'workflow code imports only pure rules, its own files and activity types (type-only)',
      from: { path: '^workflows/' },
      to: {
        path: '^(api|web|core|prisma|mail|audit|embedded|bench|worker\\.ts|cli\\.ts|config\\.ts)',
      },
    },
    {
      name: 'workflows-only-activity-types',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-below-the-entry-points-imports-them',
      severity: 'error',
      comment:
        'api/ (and web/) are entry points: the domain core, workers and rules never reach up into them',
      from: { pathNot: '^(api|web|test|bench|embedded)/|^cli\\.ts$' },
      to: { path: '^(api|web)/' },
    },
    {
      name: 'documents-only-render',
      severity: 'error',
      comment: 'documents/ lays out official texts (.docx) from facts it is given: no database, no I/O layer',
      from: { path: '^documents/' },
      to: { path: [IO, '^workflows/', 'node_modules/(@prisma|pg|express|nodemailer|@temporalio)'] },
    },
    {
      name: 'core-has-no-http',
      severity: 'error',
      comment: 'use-cases serve the API and the pages alike: no Express, no HTTP types',
      from: { path: '^core/' },
      to: { path: 'node_modules/(express|helmet|supertest)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|prisma/generated|dist|\\.data)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
