/**
 * The import graph's rules, checked by `npm test` (scripts/test.ts) and by
 * `npm run check:imports`.
 *
 * Packages are the workspaces: they import each other by name and through their `exports` only
 * (dependency-cruiser calls a package-name import of a workspace "aliased-workspace", a path into
 * another folder plain "local").
 * The libraries (what npm publishes, plus the internal packages they share) never import the demo,
 * the project's tests or its tooling.
 */
// The workspaces, the kit before `test` so that a file of the kit is the kit's. `contract` and
// `node-sdk` are the wire contract and the Node pieces.
const PACKAGES = '(web-sdk|edge-worker|contract|node-sdk|demo-app|tooling|test/playwright-kit|test)';
const LIBRARY_SOURCE = '^(web-sdk|edge-worker|contract|node-sdk|test/playwright-kit)/src/';
const NOT_LIBRARIES = '^(demo-app|tooling|bench|scripts|collector|test/(?!playwright-kit/))';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports included): split the module both sides need.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-reaching-into-another-package',
      severity: 'error',
      comment: 'A package imports another by its name and through its exports, never by a path into its folder.',
      from: { path: `^${PACKAGES}/` },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'], path: `^${PACKAGES}/`, pathNot: ['^$1/'] },
    },
    {
      name: 'no-reaching-from-the-tests-into-the-kit',
      severity: 'error',
      comment: 'The kit is a package of its own inside test/: the tests import it as @journeytrace/playwright.',
      from: { path: '^test/(?!playwright-kit/)' },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'], path: '^test/playwright-kit/' },
    },
    {
      name: 'no-reaching-into-a-package-from-outside',
      severity: 'error',
      comment: 'Scripts and collector tests use the packages as their users do: by name.',
      from: { pathNot: [`^${PACKAGES}/`, '^bench/', '^scripts/bootstrap\\.mjs$'] },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'], path: `^${PACKAGES}/` },
    },
    {
      name: 'benches-reach-only-into-what-they-time',
      severity: 'error',
      comment: 'A bench may time a library stage no entry exports (the relay body reader, the web SDK JSON encoder); anything else it imports by name.',
      from: { path: '^bench/' },
      to: { dependencyTypes: ['local'], dependencyTypesNot: ['aliased-workspace'], path: `^${PACKAGES}/`, pathNot: '^(edge-worker|web-sdk)/src/' },
    },
    {
      name: 'bootstrap-stays-dependency-free',
      severity: 'error',
      comment: 'bootstrap.mjs runs before any install: node built-ins and its Node-version plan only.',
      from: { path: '^scripts/bootstrap\\.mjs$' },
      to: { dependencyTypesNot: ['core'], pathNot: '^tooling/lib/nodeRuntime\\.mjs$' },
    },
    {
      name: 'libraries-stay-libraries',
      severity: 'error',
      comment: 'Published code never depends on the demo, the tests, the tooling, the benches or the scripts.',
      from: { path: LIBRARY_SOURCE, pathNot: '\\.(test|typetest)\\.ts$' },
      to: { path: NOT_LIBRARIES },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache|\\.data|public)/|^examples/' },
    // Type-only imports count: the stack's old cycle was one.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.d.ts'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
