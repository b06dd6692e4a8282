// Copies the static files (index.html, stylesheet, icon) next to the compiled modules:
// dist/index.html and dist/assets/*. Plain node so the build needs no bundler.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(join(dist, 'assets'), { recursive: true });
for (const name of readdirSync(join(root, 'static'))) {
  copyFileSync(join(root, 'static', name), name === 'index.html' ? join(dist, name) : join(dist, 'assets', name));
}
