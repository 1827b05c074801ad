// Layering rules from docs/ARCHITECTURE.md, checked in CI by `npm run lint`:
//   depcruise src constructs index.ts --config .dependency-cruiser.cjs
// Paths are relative to the repo root. Type-only imports count too (tsPreCompilationDeps), since a
// type import across a layer boundary is still a layering violation.

/** Targets outside the repo's own code: npm packages and node built-ins. */
const packages = { pathNot: '(^|/)node_modules/', dependencyTypesNot: ['core'] };

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'src-not-to-constructs',
      severity: 'error',
      comment: 'src/ is the engine; constructs/ (stack authoring) builds on it, never the other way round.',
      from: { path: '^src/' },
      to: { path: '^constructs/' },
    },
    {
      name: 'apply-not-to-diff',
      severity: 'error',
      comment: 'apply and diff never import each other; shared code lives in src/clusterapply/.',
      from: { path: '^src/apply/' },
      to: { path: '^src/diff/' },
    },
    {
      name: 'diff-not-to-apply',
      severity: 'error',
      comment: 'apply and diff never import each other; shared code lives in src/clusterapply/.',
      from: { path: '^src/diff/' },
      to: { path: '^src/apply/' },
    },
    {
      name: 'cli-only-through-toolkit',
      severity: 'error',
      comment: 'src/cli/ reaches the engine only through src/toolkit/ (plus src/model/, src/io/ and src/errors.ts).',
      from: { path: '^src/cli/' },
      to: { path: '^src/(?!cli/|toolkit/|model/|io/|errors\\.ts$)' },
    },
    {
      name: 'bin-loader-stays-small',
      severity: 'error',
      comment:
        'src/bin/ (what bin/modelstack.js loads before the CLI bundle) imports only Node.js built-ins, src/util/cache-dir.ts, src/util/import-package.ts and src/util/write-atomic.ts.',
      from: { path: '^src/bin/' },
      to: { path: '^(?!src/util/(cache-dir|import-package|write-atomic)\\.ts$)', dependencyTypesNot: ['core'] },
    },
    {
      name: 'nothing-imports-the-bin-loader',
      severity: 'error',
      comment: 'src/bin/ runs before the CLI: no module of the engine or the CLI imports it.',
      from: { path: '^(src/(?!bin/)|constructs/)' },
      to: { path: '^src/bin/' },
    },
    {
      name: 'constructs-allowed-imports',
      severity: 'error',
      comment:
        'constructs/ imports only constructs/, src/model/, src/runtimes/registry.ts, src/runtimes/*/info.ts, ' +
        'src/engines/, imports/, src/errors.ts and packages.',
      from: { path: '^constructs/' },
      to: {
        ...packages,
        pathNot: [
          packages.pathNot,
          '^constructs/',
          '^src/model/',
          '^src/runtimes/registry\\.ts$',
          '^src/runtimes/[^/]+/info\\.ts$',
          '^src/engines/',
          '^imports/',
          '^src/errors\\.ts$',
        ],
      },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model/ is the shared object model: it imports nothing else of the repo (packages are fine).',
      from: { path: '^src/model/' },
      to: { ...packages, pathNot: [packages.pathNot, '^src/model/'] },
    },
    {
      name: 'production-not-to-test',
      severity: 'error',
      comment: 'Production code (src/, constructs/, index.ts) never imports test/.',
      from: { path: '^(src/|constructs/|index\\.ts$)' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import must resolve. Besides catching broken imports, this keeps the rules above honest: an ' +
        'import that does not resolve to a file would silently escape them.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'warn',
      comment: 'Import cycles make the layering hard to follow and load order fragile.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
    tsPreCompilationDeps: true,
    // Resolve NodeNext '.js' specifiers to the .ts sources.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
