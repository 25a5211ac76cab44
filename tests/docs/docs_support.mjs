// What the documentation tests share: the binary under test and the documents' text.
import fs from 'node:fs';
import path from 'node:path';

export const sourceDir = process.env.INFERGRID_SOURCE_DIR ?? path.resolve(import.meta.dirname, '../..');
export const binaryDir = process.env.INFERGRID_BINARY_DIR ?? path.join(sourceDir, 'build');
export const binary = process.env.INFERGRID_BIN ?? path.join(binaryDir, 'actors/cli/infergrid');

export function readDocument(relative) {
  return fs.readFileSync(path.join(sourceDir, relative), 'utf8');
}

// README.md and every deploy/readme/*.md, as [name, text].
export function everyDocument() {
  const readmes = fs.readdirSync(path.join(sourceDir, 'deploy/readme')).filter((name) => name.endsWith('.md'));
  return ['README.md', ...readmes.map((name) => `deploy/readme/${name}`)].map((name) => [name, readDocument(name)]);
}
