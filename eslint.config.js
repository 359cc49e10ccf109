// Lint for the whole repository. The layer rules of STYLE.md ("who may import whom") are enforced here with
// no-restricted-imports, so an import across a forbidden boundary fails CI instead of waiting for review.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Relative import of another top-level folder of src/, e.g. `../engine/worker` or `../../app/x`. */
function layerImport(layers) {
  return `^(\\.\\./)+(${layers.join('|')})(/|$)`;
}

const ORT_ONLY_IN_ADAPTER = {
  regex: '^onnxruntime-(web|node|common)(/|$)',
  message: 'Only src/engine/runtime/ort-*.ts may import onnxruntime-*; use the engine session interface instead.',
};

/** Each layer's list of forbidden imports; every layer also inherits the onnxruntime restriction. */
const LAYER_RULES = [
  {
    files: ['src/dsp/**'],
    patterns: [{ regex: layerImport(['metrics', 'media', 'engine', 'app', 'cli']), message: 'src/dsp imports nothing of ours: pure kernels only.' }],
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
  ...LAYER_RULES.map(({ files, patterns }) => ({
    files,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ORT_ONLY_IN_ADAPTER, ...patterns] }] },
  })),
  {
    files: ['src/engine/runtime/ort-*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: layerImport(['app', 'cli']), message: 'src/engine never imports app or cli code.' }] }] },
  },
);
