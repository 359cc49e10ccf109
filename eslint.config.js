// Lint for the whole repository. The layer rules of STYLE.md ("who may import whom") are enforced here with
// no-restricted-imports, so an import across a forbidden boundary fails CI instead of waiting for review.
//
// Who may import whom:
//   src/dsp ← shaders/ ← src/metrics ← src/media ← src/engine ← src/app, src/cli   (no import runs to the right)
//   shaders/   GPU twins of src/dsp kernels (WGSL + a small TS host): import src/dsp, their CPU references, only;
//              src/dsp must not import them back, or the reference would depend on what it checks. The app's
//              spectrogram lane uses them; so may the engine, later.
//   bench/, e2e/, scripts/   tools that measure and drive the product: they may import anything under src/ that
//              they run directly (dsp, media, engine, cli) and each other's harnesses (bench reuses e2e/fixtures.ts
//              and e2e/harness.ts, e2e reuses bench's browser ingest page), but the app only as a user does,
//              through the built page (e2e/harness.ts); a type from src/app may be imported to type a page result.
//   Product code never imports bench/, e2e/, scripts/ or training/; its unit tests (*.test.ts) may import the
//   media fixtures (e2e/fixtures.ts, e2e/hostile-fixtures.ts), which make real files with ffmpeg at test time.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Relative import of a top-level folder, from a file under src/<layer>/ or the repository root's folders: `../engine/x`, `../../e2e/x`. */
function layerImport(layers) {
  return `^(\\.\\./)+(${layers.join('|')})(/|$)`;
}

/** Relative import of a folder of src/ from a top-level folder outside it: `../src/engine/x`. */
function srcImport(layers) {
  return `^(\\.\\./)+src/(${layers.join('|')})(/|$)`;
}

const ORT_ONLY_IN_ADAPTER = {
  regex: '^onnxruntime-(web|node|common)(/|$)',
  message: 'Only src/engine/runtime/ort-*.ts may import onnxruntime-*; use the engine session interface instead.',
};

const NO_TOOLS = {
  regex: layerImport(['bench', 'e2e', 'scripts', 'training']),
  message: 'Product code does not import bench/, e2e/, scripts/ or training/: they depend on it, not the other way round.',
};

const FIXTURES_ONLY = {
  regex: `${layerImport(['bench', 'scripts', 'training'])}|^(\\.\\./)+e2e/(?!(fixtures|hostile-fixtures)$)`,
  message: 'A unit test may import the media fixtures (e2e/fixtures.ts, e2e/hostile-fixtures.ts), nothing else of bench/, e2e/, scripts/ or training/.',
};

const TEST_FILES = '**/*.test.{ts,tsx}';

/** Each layer's list of forbidden imports; every layer also inherits the onnxruntime and tooling restrictions. */
const LAYER_RULES = [
  {
    files: ['src/dsp/**'],
    patterns: [{ regex: layerImport(['metrics', 'media', 'engine', 'app', 'cli', 'shaders']), message: 'src/dsp imports nothing of ours: pure kernels only.' }],
  },
  {
    files: ['shaders/**'],
    patterns: [
      { regex: srcImport(['metrics', 'media', 'engine', 'app', 'cli']), message: 'shaders/ are GPU twins of src/dsp kernels: they import src/dsp (their CPU references) only.' },
      { regex: '^react(-dom)?(/|$)', message: 'shaders/ have no React.' },
    ],
  },
  {
    files: ['src/metrics/**'],
    patterns: [{ regex: layerImport(['media', 'engine', 'app', 'cli']), message: 'src/metrics may import src/dsp only.' }],
  },
  {
    files: ['src/media/**'],
    patterns: [
      { regex: layerImport(['app', 'cli']), message: 'src/media must not depend on the app or the CLI.' },
      { regex: '^react(-dom)?(/|$)', message: 'src/media has no React.' },
    ],
  },
  {
    files: ['src/engine/**'],
    patterns: [{ regex: layerImport(['app', 'cli']), message: 'src/engine never imports app or cli code.' }],
  },
  {
    files: ['src/app/**', 'src/main.tsx'],
    patterns: [
      { regex: '(^|/)engine/(?!host/protocol$)', message: 'The app talks to the engine only through src/engine/host/protocol.ts.' },
      { regex: '(^|/)engine/host/protocol$', allowTypeImports: true, message: 'Import protocol.ts with `import type`: the app shares its types, not code.' },
      { regex: layerImport(['cli']), message: 'The app does not import CLI code.' },
    ],
  },
  {
    files: ['src/cli/**'],
    patterns: [{ regex: layerImport(['app']), message: 'src/cli never imports app code.' }],
  },
];

const TOOL_RULES = {
  files: ['bench/**', 'e2e/**', 'scripts/**'],
  patterns: [
    {
      regex: srcImport(['app']),
      allowTypeImports: true,
      message: 'bench/, e2e/ and scripts/ use the app as a user does, through the built page (e2e/harness.ts); import its types with `import type` only.',
    },
  ],
};

const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

/**
 * @typescript-eslint/no-floating-promises: an unawaited promise loses its rejection (a failed decode or save would
 * vanish without a message). It needs type information for the whole TypeScript program, which roughly doubles
 * `npx eslint .` (18–21 s → 38–51 s on two cores); a silent lost error costs more than that.
 */
const TYPED_RULES = [
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'training/**', 'public/**', 'coverage/**', 'test-results/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ORT_ONLY_IN_ADAPTER] }],
    },
  },
  ...LAYER_RULES.flatMap(({ files, patterns }) => [
    { files, ignores: [TEST_FILES], rules: restrict([ORT_ONLY_IN_ADAPTER, NO_TOOLS, ...patterns]) },
    { files: files.map((glob) => [glob, TEST_FILES]), rules: restrict([ORT_ONLY_IN_ADAPTER, FIXTURES_ONLY, ...patterns]) },
  ]),
  {
    files: ['src/engine/runtime/ort-*.ts'],
    rules: restrict([NO_TOOLS, { regex: layerImport(['app', 'cli']), message: 'src/engine never imports app or cli code.' }]),
  },
  { files: TOOL_RULES.files, rules: restrict([ORT_ONLY_IN_ADAPTER, ...TOOL_RULES.patterns]) },
  ...TYPED_RULES,
);
